package io.sadump.meminfo;

import io.sadump.machine.Lowcore;
import io.sadump.machine.MemoryAbsentException;
import io.sadump.machine.MemorySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The meminfo page a memory (live storage, old memory, a dump) holds at the pointer in absolute
 * lowcore 0x0E18, judged in the order of the kdump kernel's {@code os_info_old_init}
 * (docs/abi.md §5.1, §9.4): pointer non-zero and 4 KiB-aligned, the page in memory,
 * magic, header checksum, {@code version_major <= 1}.
 *
 * @param pointer the value at 0x0E18 (0 when memory does not hold it)
 * @param page the page, whenever it is in memory and has the magic, valid or not
 * @param state how far the page passed
 */
public record MeminfoLookup(long pointer, Optional<MeminfoPage> page, State state) {

    /** How far the page passed; every state but {@link #VALID} is a reason not to trust it. */
    public enum State {
        NO_POINTER("no meminfo: the pointer at 0x0E18 is 0 or not in memory"),
        MISALIGNED("no meminfo: the pointer at 0x0E18 is not 4 KiB-aligned"),
        NOT_IN_MEMORY("no meminfo: the page the pointer names is not in memory"),
        BAD_MAGIC("no meminfo: bad magic"),
        CHECKSUM_FAILED("meminfo checksum failed"),
        VERSION_UNSUPPORTED("meminfo version not supported"),
        VALID("meminfo valid");

        private final String text;

        State(String text) {
            this.text = text;
        }

        /** A short phrase for messages and reports. */
        public String text() {
            return text;
        }
    }

    /** Looks the page up in {@code memory}; memory the source does not hold counts as no page. */
    public static MeminfoLookup in(MemorySource memory) {
        long pointer;
        try {
            pointer = ByteBuffer.wrap(read(memory, Lowcore.MEMINFO_POINTER, 8)).getLong();
        } catch (IOException | RuntimeException e) {
            return new MeminfoLookup(0, Optional.empty(), State.NO_POINTER);
        }
        if (pointer == 0) {
            return new MeminfoLookup(pointer, Optional.empty(), State.NO_POINTER);
        }
        if ((pointer & (MeminfoPage.ALIGNMENT - 1)) != 0) {
            return new MeminfoLookup(pointer, Optional.empty(), State.MISALIGNED);
        }
        MeminfoPage page;
        try {
            page = MeminfoPage.read(read(memory, pointer, MeminfoPage.SIZE));
        } catch (IOException | RuntimeException e) {
            return new MeminfoLookup(pointer, Optional.empty(), State.NOT_IN_MEMORY);
        }
        if (!page.magicValid()) {
            return new MeminfoLookup(pointer, Optional.empty(), State.BAD_MAGIC);
        }
        State state = !page.checksumValid() ? State.CHECKSUM_FAILED
                : page.versionMajor() > MeminfoPage.VERSION_MAJOR ? State.VERSION_UNSUPPORTED : State.VALID;
        return new MeminfoLookup(pointer, Optional.of(page), state);
    }

    /** True when the page passed every check: its facts can be trusted. */
    public boolean valid() {
        return state == State.VALID;
    }

    /** The page when it passed every check. */
    public Optional<MeminfoPage> validPage() {
        return valid() ? page : Optional.empty();
    }

    /**
     * {@code length} bytes of {@code memory} at {@code address}.
     *
     * @throws IOException when memory does not hold them (also when the range lies beyond its end)
     */
    static byte[] read(MemorySource memory, long address, int length) throws IOException {
        if (address < 0 || address > memory.memorySize() - length) {
            throw new MemoryAbsentException(address);
        }
        byte[] b = new byte[length];
        memory.read(address, b, 0, length);
        return b;
    }
}
