package io.sadump.dump;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for the dump readers: the s390 header and segment chain (s390_ext, single and
 * multi-volume), the compressed-entry index and zlib data, the classic s390 format on a file and on
 * tape, and the ELF core with its program headers and notes. Each target opens the bytes the way
 * {@code zgetdump -i} does (incomplete dumps included) and reads the memory it finds; it passes when
 * the reader returns or throws an {@link IOException} whose message says what is wrong (the CLI's
 * exit 1). Anything else, a hang, or an allocation the input does not justify is a finding. Inputs
 * under {@code DumpReaderFuzzTestInputs/} are replayed by every {@code mvn verify}.
 */
class DumpReaderFuzzTest {
    /** Pages read from each chunk: its first, middle and last. */
    private static final int PAGE = 4096;
    /** Chunks visited per dump; the rest is the same code again. */
    private static final int CHUNKS = 64;

    @FuzzTest
    void s390Ext(byte[] data) throws IOException {
        inspect(() -> S390ExtDumpReader.inspect(DumpBlockSource.ofBytes(data), "fuzz"));
    }

    /**
     * Two volumes: a big-endian u32 length of volume 0 (clamped to the input), volume 0, volume 1. Each
     * volume is the part of its partition the dumper wrote; the partition goes on for the 1 MiB + 4 KiB
     * the dumper leaves free and the reader never reads ({@link #volumes}), so a seed need not carry it.
     */
    @FuzzTest
    void s390ExtMultiVolume(byte[] data) throws IOException {
        if (data.length < 4) {
            return;
        }
        inspect(() -> S390ExtDumpReader.inspectMultiVolume(volumes(data), List.of("fuzz0", "fuzz1")));
    }

    /** The free end of a volume's partition: the dumper starts no segment in its last 1 MiB + 4 KiB. */
    static final int UNWRITTEN_TAIL = (1 << 20) + 4096;

    /** The two volumes of an {@link #s390ExtMultiVolume} input. */
    static List<DumpBlockSource> volumes(byte[] data) {
        long first = Integer.toUnsignedLong(ByteBuffer.wrap(data).getInt());
        int at = (int) Math.min(data.length, 4 + first);
        return List.of(partition(Arrays.copyOfRange(data, 4, at)), partition(Arrays.copyOfRange(data, at, data.length)));
    }

    /** A partition holding {@code written} and then {@link #UNWRITTEN_TAIL} bytes that were never written. */
    private static DumpBlockSource partition(byte[] written) {
        DumpBlockSource bytes = DumpBlockSource.ofBytes(written);
        return new DumpBlockSource() {
            @Override
            public long size() {
                return (long) written.length + UNWRITTEN_TAIL;
            }

            @Override
            public void read(long position, byte[] dst, int offset, int length) throws IOException {
                bytes.read(position, dst, offset, length); // beyond what was written: EOF, as a short image file
            }
        };
    }

    @FuzzTest
    void classicS390(byte[] data) throws IOException {
        inspect(() -> ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(data), "fuzz"));
    }

    /** The input is a tape file: records framed as {@link #tapeRecords}. */
    @FuzzTest
    void classicTape(byte[] data) throws IOException {
        inspect(() -> ClassicS390DumpReader.inspectTape(tape(tapeRecords(data)), "fuzz"));
    }

    @FuzzTest
    void elfCore(byte[] data) throws IOException {
        inspect(() -> ElfCoreReader.inspect(DumpBlockSource.ofBytes(data), "fuzz"));
    }

    private interface Opening {
        ReadBackDump open() throws IOException;
    }

    private static void inspect(Opening opening) {
        try (ReadBackDump dump = opening.open()) {
            dump.toString();
            dump.metadata().cpus();
            readMemory(dump.memory());
        } catch (IOException e) {
            requireMessage(e);
        }
    }

    /** Reads a few pages of every chunk; a page the dump cannot supply is an IOException with a message. */
    private static void readMemory(MemorySource memory) {
        byte[] page = new byte[PAGE];
        List<MemoryChunk> chunks = memory.chunks();
        for (MemoryChunk c : chunks.subList(0, Math.min(CHUNKS, chunks.size()))) {
            long[] at = {c.start(), c.start() + c.size() / 2, c.start() + c.size() - 1};
            for (long a : at) {
                long start = Math.max(c.start(), Math.min(a, c.start() + c.size() - PAGE));
                int n = (int) Math.min(PAGE, c.size());
                try {
                    memory.read(start, page, 0, n);
                } catch (IOException e) {
                    requireMessage(e);
                }
            }
        }
    }

    private static void requireMessage(IOException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("a refusal without a message: " + e.getClass().getName(), e);
        }
    }

    /**
     * Tape records from bytes: each record is a big-endian u16 length and that many bytes; the length
     * 0xFFFF is a tape mark; a last record cut short keeps the bytes there are.
     */
    static List<byte[]> tapeRecords(byte[] data) {
        List<byte[]> records = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.remaining() >= 2) {
            int len = Short.toUnsignedInt(b.getShort());
            if (len == 0xFFFF) {
                records.add(null);
                continue;
            }
            byte[] r = new byte[Math.min(len, b.remaining())];
            b.get(r);
            records.add(r);
        }
        return records;
    }

    private static TapeBlockSource tape(List<byte[]> records) {
        return MemoryTape.reading(records, 0);
    }
}
