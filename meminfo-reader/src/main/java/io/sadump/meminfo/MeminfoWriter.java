package io.sadump.meminfo;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.Lowcore;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What the first (production) kernel does with meminfo: {@code os_info_init} places the page and
 * publishes its address at absolute lowcore {@code 0x0E18}; {@code os_info_crashkernel_add} and
 * {@code os_info_entry_add_data/_val} fill it, and every change recomputes the header csum
 * (docs/abi.md §5). The sadump extension: {@link #writeSegmentTable} stores the
 * kexec segment table and points entry 13 {@code KDUMP_SEGMENTS} at it (docs/abi.md §5.3).
 *
 * <p>Every method writes the changed page to storage at once, so storage always holds a page with a
 * valid header csum. The writer does not judge the values it is given (a crashkernel of 0 is
 * written as 0); judging is {@link KdumpVerdict}'s job.
 */
public final class MeminfoWriter {
    private final AbsoluteStorage storage;
    private final long address;
    private MeminfoPage page;

    private MeminfoWriter(AbsoluteStorage storage, long address, MeminfoPage page) {
        this.storage = storage;
        this.address = address;
        this.page = page;
    }

    /**
     * Places a fresh page (magic, version 1.1, nothing else) at {@code pageAddress} and sets the
     * pointer at {@link Lowcore#MEMINFO_POINTER} to it.
     *
     * @throws IllegalArgumentException when the address is not 4 KiB-aligned, is 0, or the page does
     *     not fit in storage
     */
    public static MeminfoWriter create(AbsoluteStorage storage, long pageAddress) {
        Objects.requireNonNull(storage, "storage");
        if (pageAddress == 0 || (pageAddress & (MeminfoPage.ALIGNMENT - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "meminfo page address 0x%X must be non-zero and 4 KiB-aligned", pageAddress));
        }
        if (!storage.contains(pageAddress, MeminfoPage.SIZE)) {
            throw new IllegalArgumentException(String.format(
                    "meminfo page at 0x%X does not fit in storage of 0x%X bytes", pageAddress, storage.size()));
        }
        MeminfoWriter w = new MeminfoWriter(storage, pageAddress, MeminfoPage.empty());
        w.store();
        storage.putU64(Lowcore.MEMINFO_POINTER, pageAddress);
        return w;
    }

    /**
     * Continues with the page the lowcore pointer names (for example to load a new kdump kernel into
     * a running system).
     *
     * @throws MeminfoFormatException when there is no page with the right magic at the pointer
     */
    public static MeminfoWriter open(AbsoluteStorage storage) {
        long pointer = storage.u64(Lowcore.MEMINFO_POINTER);
        if (pointer == 0 || (pointer & (MeminfoPage.ALIGNMENT - 1)) != 0
                || !storage.contains(pointer, MeminfoPage.SIZE)) {
            throw new MeminfoFormatException(String.format(
                    "no meminfo page: the pointer at 0x%04X is 0x%X", Lowcore.MEMINFO_POINTER, pointer));
        }
        MeminfoPage p = MeminfoPage.read(ByteBuffer.wrap(storage.bytes(pointer, MeminfoPage.SIZE)));
        if (!p.magicValid()) {
            throw new MeminfoFormatException(String.format("the page at 0x%X has magic \"%s\", not \"OSINFOSZ\"",
                    pointer, p.magicText()));
        }
        return new MeminfoWriter(storage, pointer, p);
    }

    /** Absolute address of the page. */
    public long address() {
        return address;
    }

    /** The page as last written. */
    public MeminfoPage page() {
        return page;
    }

    /** {@code os_info_crashkernel_add}: records the crashkernel reservation. */
    public MeminfoWriter setCrashkernel(long base, long size) {
        page = page.withCrashkernel(base, size);
        store();
        return this;
    }

    /**
     * {@code os_info_entry_add_data}: a data entry for storage {@code [addr, addr + size)}, its csum the
     * CKSM of those bytes (streamed). Replaces what the slot held.
     *
     * @throws IllegalArgumentException for a value slot (4..12) or slot 13 (use {@link #writeSegmentTable})
     */
    public MeminfoEntry addData(MeminfoEntryIndex index, long addr, long size) {
        if (index.isValueEntry() || index == MeminfoEntryIndex.KDUMP_SEGMENTS) {
            throw new IllegalArgumentException("meminfo entry " + index.index() + " (" + index + ") is not a data entry"
                    + (index == MeminfoEntryIndex.KDUMP_SEGMENTS ? "; write a segment table instead" : ""));
        }
        MeminfoEntry e = MeminfoEntry.data(addr, size, Cksm.of(storage, addr, size));
        setEntry(index, e);
        return e;
    }

    /**
     * {@code os_info_entry_add_val}: a value entry ({@code val}, size 0, csum 0).
     *
     * @throws IllegalArgumentException for a slot that holds data
     */
    public MeminfoEntry addValue(MeminfoEntryIndex index, long value) {
        if (!index.isValueEntry()) {
            throw new IllegalArgumentException("meminfo entry " + index.index() + " (" + index + ") is not a value entry");
        }
        MeminfoEntry e = MeminfoEntry.value(value);
        setEntry(index, e);
        return e;
    }

    /** Empties a slot. Removing entry 13 also sets the minor version back to upstream's. */
    public MeminfoWriter removeEntry(MeminfoEntryIndex index) {
        if (index == MeminfoEntryIndex.KDUMP_SEGMENTS) {
            page = page.withVersion(page.versionMajor(), MeminfoPage.VERSION_MINOR_UPSTREAM);
        }
        setEntry(index, MeminfoEntry.ABSENT);
        return this;
    }

    /**
     * Writes {@code table} at {@code tableAddress} and points entry 13 {@code KDUMP_SEGMENTS} at it,
     * with csum = CKSM of the whole table; sets {@code version_minor} to 2.
     *
     * @throws io.sadump.machine.AddressOutOfRangeException when the table does not fit in storage
     */
    public MeminfoEntry writeSegmentTable(long tableAddress, KexecSegmentTable table) {
        byte[] bytes = table.toBytes();
        storage.write(tableAddress, bytes);
        MeminfoEntry e = MeminfoEntry.data(tableAddress, bytes.length, Cksm.of(storage, tableAddress, bytes.length));
        page = page.withVersion(page.versionMajor(), MeminfoPage.VERSION_MINOR_KDUMP_SEGMENTS)
                .withEntry(MeminfoEntryIndex.KDUMP_SEGMENTS, e);
        store();
        return e;
    }

    /**
     * A segment record for storage {@code [mem, mem + memsz)} as it is now, with its SHA-256 streamed
     * from storage: call it after the segment's bytes were loaded.
     */
    public KexecSegment measureSegment(long mem, long memsz, long bufsz, SegmentKind kind) {
        return new KexecSegment(mem, memsz, bufsz, kind, StorageDigest.sha256(storage, mem, memsz));
    }

    private void setEntry(MeminfoEntryIndex index, MeminfoEntry e) {
        page = page.withEntry(index, e);
        store();
    }

    /** Recomputes the header csum and writes the page. */
    private void store() {
        page = page.withComputedChecksum();
        storage.write(address, page.toBytes());
    }
}
