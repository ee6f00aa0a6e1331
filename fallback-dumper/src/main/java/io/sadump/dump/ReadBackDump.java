package io.sadump.dump;

import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390EndMarker;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A dump as a reader found it: its memory ({@link #memory()}), what it says about itself beside the
 * memory ({@link #metadata()}), and whether it is complete.
 *
 * <p>An incomplete dump (cut short, no or a bad end marker, data missing) still offers the memory
 * that could be located, so that a tool can show what it has, as {@code zgetdump -i} does; callers
 * that need a good dump call {@link #requireComplete()} (the readers' {@code open} methods do).
 * Closing it closes the files or devices it reads from.
 */
public final class ReadBackDump implements AutoCloseable {
    private final DumpFormat format;
    private final MemorySource memory;
    private final DumpMetadata metadata;
    private final Optional<String> problem;
    private final long dumpFileBytes;
    private final Optional<S390DumpHeader> s390Header;
    private final Optional<S390EndMarker> s390EndMarker;
    private final List<AutoCloseable> resources;

    /**
     * @param problem why the dump is incomplete; empty for a complete dump
     * @param dumpFileBytes bytes of memory data the dump holds (after zero-skipping and compression)
     */
    public ReadBackDump(DumpFormat format, MemorySource memory, DumpMetadata metadata, Optional<String> problem,
            long dumpFileBytes, Optional<S390DumpHeader> s390Header, Optional<S390EndMarker> s390EndMarker,
            List<? extends AutoCloseable> resources) {
        this.format = format;
        this.memory = memory;
        this.metadata = metadata;
        this.problem = problem;
        this.dumpFileBytes = dumpFileBytes;
        this.s390Header = s390Header;
        this.s390EndMarker = s390EndMarker;
        this.resources = new ArrayList<>(resources);
    }

    public DumpFormat format() {
        return format;
    }

    /** The dump's memory. */
    public MemorySource memory() {
        return memory;
    }

    /** CPUs, VMCOREINFO, times and volume facts, as far as the format carries them. */
    public DumpMetadata metadata() {
        return metadata;
    }

    /** True if the dump is whole: every check passed, end marker included. */
    public boolean complete() {
        return problem.isEmpty();
    }

    /** Why the dump is not complete, naming what is missing. */
    public Optional<String> problem() {
        return problem;
    }

    /** @throws IncompleteDumpException when the dump is not complete */
    public ReadBackDump requireComplete() throws IncompleteDumpException {
        if (problem.isPresent()) {
            throw new IncompleteDumpException(problem.get());
        }
        return this;
    }

    /** Bytes of memory data stored in the dump (zgetdump's "Dump file size"). */
    public long dumpFileBytes() {
        return dumpFileBytes;
    }

    /** The s390 dump header (volume 0's for a multi-volume dump); empty for ELF. */
    public Optional<S390DumpHeader> s390Header() {
        return s390Header;
    }

    /** The s390 end marker when one was found. */
    public Optional<S390EndMarker> s390EndMarker() {
        return s390EndMarker;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            } catch (Exception e) {
                first = first == null ? new IOException(e) : first;
            }
        }
        resources.clear();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return String.format("ReadBackDump[%s, %d chunks, %d CPUs, %s]", format.zgetdumpName(),
                memory.chunks().size(), metadata.cpus().size(),
                problem.map(p -> "incomplete: " + p).orElse("complete"));
    }
}
