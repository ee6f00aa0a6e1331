package io.sadump.archive.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.DumpProgressListener;
import io.sadump.dump.FileRegion;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemoryChunk;
import io.sadump.machine.MemorySource;
import io.sadump.machine.output.ReplacementFile;
import io.sadump.machine.output.UnbufferedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ELF core written into a pipe (memory moved by the kernel) and into a new file with its zero
 * buffers left as holes: the same bytes as the ELF writer writes into a plain stream.
 */
class ElfPipeAndSparseOutputTest {
    static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    /** A memory of file regions, other data, zero chunks and gaps; the backing file in {@code dir}. */
    private MemorySource memory(SplittableRandom r, FileChannel backing) throws IOException {
        List<MemoryChunk> chunks = new ArrayList<>();
        long address = 0;
        long fileAt = 0;
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(3) == 0) {
                address += 4096L * (1 + r.nextInt(300)); // a gap: a PT_LOAD ends here
            }
            long size = 4096L * (1 + r.nextInt(700));
            switch (r.nextInt(3)) {
                case 0 -> chunks.add(MemoryChunk.zero(address, size));
                case 1 -> {
                    byte[] b = content(r, (int) size);
                    backing.write(ByteBuffer.wrap(b), fileAt);
                    chunks.add(MemoryChunk.data(address, size, new FileRegion(backing, fileAt)));
                    fileAt += size;
                }
                default -> {
                    byte[] b = content(r, (int) size);
                    chunks.add(MemoryChunk.data(address, size,
                            (offset, dst, dstOffset, length) -> System.arraycopy(b, (int) offset, dst, dstOffset, length)));
                }
            }
            address += size;
        }
        return MemorySource.of(chunks, address);
    }

    /** Bytes with whole zero MiBs and zero pages among them, as a dump's memory has. */
    private static byte[] content(SplittableRandom r, int size) {
        byte[] b = new byte[size];
        for (int page = 0; page < size; page += 4096) {
            if (r.nextInt(3) != 0 && (page / MIB) % 2 == 0) {
                b[page + r.nextInt(4096)] = (byte) (1 + r.nextInt(255));
            }
        }
        return b;
    }

    private static byte[] asStream(MemorySource m, DumpMetadata md) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ElfFormat().write(m, md, Channels.newChannel(out), DumpProgressListener.NONE);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void intoAPipeTheSameBytesAsIntoAStream(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo").isTrue();
        try (FileChannel backing = FileChannel.open(dir.resolve("backing"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySource m = memory(r, backing);
            DumpMetadata md = DumpMetadata.of(List.of(), Optional.of("OSRELEASE=6.1.0\nPAGESIZE=4096\n"));
            byte[] expected = asStream(m, md);
            CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = Files.newInputStream(fifo)) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long written;
            try (FileChannel pipe = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                assertThat(ElfPipeOutput.isPipe(pipe)).isTrue();
                written = new ElfFormat().write(m, md, pipe, DumpProgressListener.NONE);
            }
            byte[] actual = read.get(60, TimeUnit.SECONDS);
            assertThat(written).as("seed %d", seed).isEqualTo(expected.length);
            assertThat(actual).as("seed %d", seed).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void intoANewFileWithHolesTheSameBytes(long seed) throws Exception {
        assertSameCore(seed, (out, elf) -> {
            try (FileChannel f = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                elf.into(new ZeroSkippingChannel(f));
            }
        });
    }

    /** Writes the ELF core into a {@link ZeroSkippingChannel} on a new file. */
    private interface CoreFile {
        void write(Path out, ElfInto elf) throws IOException;
    }

    /** The ELF writer's part: the core written into {@code sparse} and finished. */
    private interface ElfInto {
        void into(ZeroSkippingChannel sparse) throws IOException;
    }

    /** The seed's memory as an ELF core through {@code file}: the same bytes as into a stream. */
    private void assertSameCore(long seed, CoreFile file) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        try (FileChannel backing = FileChannel.open(dir.resolve("backing"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySource m = memory(r, backing);
            DumpMetadata md = DumpMetadata.none();
            byte[] expected = asStream(m, md);
            Path out = dir.resolve("core");
            file.write(out, sparse -> {
                new ElfFormat().write(m, md, sparse, DumpProgressListener.NONE);
                sparse.finish();
            });
            assertThat(Files.readAllBytes(out)).as("seed %d", seed).isEqualTo(expected);
        }
    }

    @Test
    void aFileEndingInZerosHasItsFullLength() throws IOException {
        Path out = dir.resolve("zeros");
        try (FileChannel f = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ZeroSkippingChannel sparse = new ZeroSkippingChannel(f);
            sparse.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            sparse.write(ByteBuffer.wrap(new byte[3 * MIB]));
            assertThat(f.size()).isEqualTo(3);
            sparse.finish();
        }
        byte[] b = Files.readAllBytes(out);
        assertThat(b).hasSize(3 + 3 * MIB);
        assertThat(b[2]).isEqualTo((byte) 3);
        assertThat(b[b.length - 1]).isZero();
    }

    @Test
    void whatWasWrittenReadsBackWithSkippedZerosAsZeros() throws IOException {
        Path out = dir.resolve("readback");
        try (FileChannel f = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ZeroSkippingChannel sparse = new ZeroSkippingChannel(f);
            sparse.write(ByteBuffer.wrap(new byte[] {7, 8}));
            sparse.write(ByteBuffer.wrap(new byte[MIB]));
            assertThat(f.size()).as("the zeros were left out").isEqualTo(2);
            sparse.position(0);
            ByteBuffer all = ByteBuffer.allocate(2 + MIB + 1);
            while (sparse.read(all) > 0) {
                // reads up to the end of what was written
            }
            assertThat(all.position()).isEqualTo(2 + MIB);
            assertThat(all.get(0)).isEqualTo((byte) 7);
            assertThat(all.get(1)).isEqualTo((byte) 8);
            assertThat(all.get(1 + MIB)).isZero();
            assertThat(sparse.read(ByteBuffer.allocate(1))).isEqualTo(-1);
        }
    }

    /** The ELF core into a replacement file whose large writes go past the page cache: the same bytes. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void pastThePageCacheTheSameBytes(long seed) throws Exception {
        assertSameCore(seed, (out, elf) -> {
            try (ReplacementFile file = ReplacementFile.create(out)) {
                Optional<UnbufferedChannel> u = file.unbufferedChannel();
                assertThat(u).as("this machine's file systems take O_DIRECT writes").isPresent();
                try (ZeroSkippingChannel sparse = new ZeroSkippingChannel(file.channel(), u)) {
                    elf.into(sparse);
                }
                file.commit();
            }
        });
    }

    /**
     * Writes of any length at any position, forward and back over what was written before (through
     * either path), with reads in between: the file always holds what was written last, as a model in
     * memory does, and its length is the end of the last byte written.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25})
    void unbufferedAndBufferedWritesMeetInOneFile(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        int space = 6 * MIB;
        byte[] model = new byte[space];
        long end = 0;
        Path out = dir.resolve("mixed");
        int block = (int) Files.getFileStore(dir).getBlockSize();
        try (FileChannel f = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
                FileChannel direct = FileChannel.open(out, StandardOpenOption.WRITE,
                        com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            UnbufferedChannel u = new UnbufferedChannel(direct, block);
            try (ZeroSkippingChannel sparse = new ZeroSkippingChannel(f, Optional.of(u))) {
                int writes = 20 + r.nextInt(40);
                for (int i = 0; i < writes; i++) {
                    int length = switch (r.nextInt(5)) {
                        case 0 -> MIB;
                        case 1 -> block * r.nextInt(1, 3 * MIB / block);
                        case 2 -> r.nextInt(1, block);
                        default -> r.nextInt(1, 2 * MIB);
                    };
                    long at = switch (r.nextInt(3)) {
                        case 0 -> Math.min(end, space - length); // on from the end, as a writer streams
                        case 1 -> (long) block * r.nextInt((space - length) / block + 1);
                        default -> r.nextInt(space - length + 1);
                    };
                    // zeros only past the end: the channel leaves large zero writes out, for a new file
                    byte[] data = new byte[length];
                    if (at < end || r.nextInt(4) != 0) {
                        r.nextBytes(data);
                    }
                    sparse.position(at);
                    sparse.write(ByteBuffer.wrap(data));
                    System.arraycopy(data, 0, model, (int) at, length);
                    end = Math.max(end, at + length);
                    if (r.nextInt(4) == 0) {
                        int from = r.nextInt((int) end);
                        int n = Math.min((int) end - from, 1 + r.nextInt(MIB));
                        ByteBuffer back = ByteBuffer.allocate(n);
                        sparse.position(from);
                        while (back.hasRemaining() && sparse.read(back) > 0) {
                            // what was written so far reads back
                        }
                        assertThat(back.array()).as("seed %d: read back at %d after write %d", seed, from, i)
                                .isEqualTo(java.util.Arrays.copyOfRange(model, from, from + n));
                    }
                }
                sparse.finish();
            }
        }
        assertThat(Files.readAllBytes(out)).as("seed %d", seed)
                .isEqualTo(java.util.Arrays.copyOf(model, (int) end));
    }
}
