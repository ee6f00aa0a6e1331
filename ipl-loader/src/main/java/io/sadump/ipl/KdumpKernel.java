package io.sadump.ipl;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MemoryMapping;
import io.sadump.machine.MemorySource;
import io.sadump.machine.Sizes;
import io.sadump.machine.StorageMemorySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of the kdump kernel, entered at its kdump entry point after the swap: it reads {@code
 * OLDMEM_BASE/SIZE} from its parmarea (0x10418/0x10420), sees old memory through the mapping of
 * {@code copy_oldmem} ({@link #oldMemory}: storage through the crashkernel swap mapping, crashkernel
 * range left out), reads meminfo, VMCOREINFO
 * and the CPUs' save areas ({@link OldMemoryFacts}), and its core collector writes the ELF vmcore to
 * {@code <vmcore dir>/<timestamp>/vmcore}, as kdump's {@code makedumpfile}/{@code cp} would
 * (docs/abi.md §9.4, docs/formats.md §7).
 *
 * <p>Storage pages with uncorrectable errors (the machine's {@code storage.errors}) are left out of
 * old memory, so the vmcore has no PT_LOAD for them and readers report them as not in the dump: the
 * way makedumpfile leaves out the pages the first kernel marked hardware-poisoned. The console names
 * each one.
 */
public final class KdumpKernel {
    /** The file name inside the timestamp directory. */
    public static final String VMCORE_FILE = "vmcore";
    /**
     * The console line's start when the core collector fails (kdump's "saving vmcore failed"); the
     * load then fails with the writer's error and its journal puts the machine back as it was.
     */
    public static final String VMCORE_FAILED = "kdump: saving vmcore failed";
    /** kdump's directory naming: {@code 2026-11-25-11:43:58}. */
    static final DateTimeFormatter DIRECTORY_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd-HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final Path vmcoreDir;
    private final VmcoreWriter writer;
    private final Clock clock;

    /**
     * @param vmcoreDir where the vmcore directories go (the machine's {@code vmcore/})
     * @param writer the core collector's ELF writer
     */

    public KdumpKernel(Path vmcoreDir, VmcoreWriter writer, Clock clock) {
        this.vmcoreDir = vmcoreDir;
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * Runs the kdump kernel on {@code storage} as the swap left it.
     *
     * @param machineCpus the machine's CPUs, IPL CPU first; their prefixes say where the save areas are
     * @throws KdumpException when OLDMEM_BASE/SIZE do not describe a usable old memory
     */
    public KdumpResult run(AbsoluteStorage storage, List<CpuState> machineCpus, ConsoleListener console)
            throws IOException {
        CrashkernelRange oldmem = oldmem(storage);
        console.message(String.format("kdump: OLDMEM_BASE=0x%X OLDMEM_SIZE=0x%X (%s)", oldmem.base(), oldmem.size(),
                Sizes.format(oldmem.size())));
        MemorySource old = oldMemory(storage, oldmem);
        List<Long> leftOut = unreadableOldPages(storage, oldmem);
        OldMemoryFacts facts = OldMemoryFacts.read(old, machineCpus);
        for (String w : facts.warnings()) {
            console.message("kdump: " + w);
        }
        console.message(String.format("kdump: VMCOREINFO from %s; %d CPU save area%s", facts.vmcoreinfoSource(),
                facts.cpus().size(), facts.cpus().size() == 1 ? "" : "s"));
        Path dir = newDirectory();
        Path file = dir.resolve(VMCORE_FILE);
        console.message("kdump: saving vmcore to " + file);
        for (String line : StorageErrorLines.of(leftOut, "left out of the vmcore")) {
            console.message("kdump: " + line);
        }
        long bytes;
        try {
            bytes = writer.write(old, DumpMetadata.of(facts.cpus(), facts.vmcoreinfo()), file, console);
        } catch (IOException | RuntimeException e) {
            // kdump's own words when the core collector fails; the caller decides what happens next
            console.message(VMCORE_FAILED + ": " + e.getMessage());
            // no empty vmcore directory is left to look like a dump
            try {
                Files.deleteIfExists(dir);
            } catch (IOException notEmpty) {
                e.addSuppressed(notEmpty);
            }
            throw e;
        }
        console.message(String.format("kdump: saved vmcore, %.1f MiB", bytes / (double) Sizes.MIB));
        Ipib.Check reIpl = Ipib.find((a, dst) -> {
            try {
                old.readFilled(a, dst, 0, dst.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, old.memorySize());
        return new KdumpResult(file, bytes, oldmem, facts, reIpl, leftOut);
    }

    /**
     * Old memory as the kdump kernel sees it after the swap (docs/abi.md §9.2): storage
     * through the crashkernel swap mapping, the crashkernel range itself left out (it held the kdump
     * kernel, not the production system's data).
     */
    static MemorySource oldMemory(AbsoluteStorage storage, CrashkernelRange oldmem) {
        return new StorageMemorySource(storage).readablePart().map(oldmem.oldMemoryMappings(storage.size()),
                storage.size());
    }

    /**
     * The old-memory addresses of the storage's unreadable pages, ascending: a page in the crashkernel
     * range holds old {@code [0, size)} after the swap; one in {@code [0, size)} holds the kdump kernel
     * now, which is no part of old memory.
     */
    static List<Long> unreadableOldPages(AbsoluteStorage storage, CrashkernelRange oldmem) {
        List<Long> old = new ArrayList<>();
        for (long page : storage.unreadablePages().pages()) {
            for (MemoryMapping m : oldmem.oldMemoryMappings(storage.size())) {
                if (page >= m.from() && page - m.from() < m.size()) {
                    old.add(m.to() + (page - m.from()));
                }
            }
        }
        old.sort(null);
        return List.copyOf(old);
    }

    /** OLDMEM_BASE/SIZE, accepted as zgetdump's {@code kdump_init} accepts them (docs/abi.md §9.3). */
    static CrashkernelRange oldmem(AbsoluteStorage storage) {
        long base = storage.u64(Lowcore.OLDMEM_BASE);
        long size = storage.u64(Lowcore.OLDMEM_SIZE);
        return CrashkernelRange.ofOldmem(base, size, storage.size()).orElseThrow(() -> new KdumpException(
                String.format("kdump kernel: OLDMEM_BASE=0x%X OLDMEM_SIZE=0x%X at 0x%X/0x%X do not describe old "
                        + "memory (non-zero, 1 MiB-aligned, base >= size, inside %s of storage)", base, size,
                        Lowcore.OLDMEM_BASE, Lowcore.OLDMEM_SIZE, Sizes.format(storage.size()))));
    }

    private Path newDirectory() throws IOException {
        String name = DIRECTORY_TIME.format(clock.instant());
        Path dir = vmcoreDir.resolve(name);
        for (int i = 2; Files.exists(dir); i++) {
            dir = vmcoreDir.resolve(name + "-" + i);
        }
        Files.createDirectories(dir);
        return dir;
    }
}
