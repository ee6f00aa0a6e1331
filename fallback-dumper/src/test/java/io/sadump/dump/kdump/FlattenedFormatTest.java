package io.sadump.dump.kdump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.filter.PageSelection;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flattened stream (reference kdump-compressed.md §2): its record sequence, reassembly into the very
 * bytes of the direct file, reading in place, and makedumpfile -R's error cases.
 */
class FlattenedFormatTest {
    static final long MIB = KdumpTestSystem.MIB;
    static final int PAGE = KdumpTestSystem.PAGE;

    @TempDir
    Path dir;

    static LongStream seeds() {
        return new SplittableRandom(0xF1A7L).longs(4);
    }

    record Rec(long offset, long size, int at) {
    }

    static List<Rec> records(byte[] stream) {
        ByteBuffer b = ByteBuffer.wrap(stream);
        List<Rec> out = new ArrayList<>();
        int pos = FlatHeader.SIZE;
        while (true) {
            long off = b.getLong(pos);
            long size = b.getLong(pos + 8);
            out.add(new Rec(off, size, pos + 16));
            if (off == -1 && size == -1) {
                return out;
            }
            pos += 16 + (int) size;
        }
    }

    byte[] reassemble(byte[] stream) throws IOException {
        Path out = dir.resolve("rebuilt-" + System.nanoTime());
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            FlattenedReassembler.reassemble(Channels.newChannel(new ByteArrayInputStream(stream)), ch);
        }
        return Files.readAllBytes(out);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reassembledStreamIsTheDirectFileAndRecordsFollowMakedumpfile(long seed) throws IOException {
        KdumpTestSystem s = new KdumpTestSystem(20 * MIB, seed, 3 * MIB, 5 * MIB);
        int level = new SplittableRandom(seed).nextBoolean() ? 31 : 1;
        PageSelection sel = level == 1 ? PresentPageSelection.of(s.memory, 1, PAGE)
                : KdumpTestSystem.randomSelection(s.memory, 31, 0.7, seed);
        PageCompression c = PageCompression.values()[(int) Math.floorMod(seed, 3)];
        Path direct = dir.resolve("direct");
        s.writeFile(direct, sel, KdumpCompressedWriter.Options.of(c));
        byte[] stream = s.writeFlattened(sel, KdumpCompressedWriter.Options.of(c));
        byte[] file = Files.readAllBytes(direct);
        assertThat(reassemble(stream)).as("seed %d: -R of -F equals the direct file", seed).isEqualTo(file);

        // §2.1/§2.3: header, then (0,464), notes, sub-header, bitmaps in 4096-byte records, pages, end marker
        ByteBuffer h = ByteBuffer.wrap(stream);
        assertThat(new String(stream, 0, 12, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("makedumpfile");
        assertThat(h.getLong(16)).isEqualTo(1);
        assertThat(h.getLong(24)).isEqualTo(1);
        List<Rec> recs = records(stream);
        assertThat(recs.get(0)).extracting(Rec::offset, Rec::size).containsExactly(0L, 464L);
        ByteBuffer fb = ByteBuffer.wrap(file);
        long noteSize = fb.getLong(PAGE + 56);
        assertThat(recs.get(1)).extracting(Rec::offset, Rec::size).containsExactly((long) PAGE + 104, noteSize);
        assertThat(recs.get(2)).extracting(Rec::offset, Rec::size).containsExactly((long) PAGE, 104L);
        int bitmapBlocks = fb.getInt(436);
        long first = (1L + fb.getInt(432)) * PAGE;
        for (int i = 0; i < bitmapBlocks; i++) {
            assertThat(recs.get(3 + i)).extracting(Rec::offset, Rec::size).containsExactly(first + (long) i * PAGE,
                    (long) PAGE);
        }
        for (Rec r : recs.subList(3 + bitmapBlocks, recs.size() - 1)) {
            assertThat(r.size()).as("a page-area record is at most one cache").isBetween(1L, 65536L);
        }
        assertThat(recs.get(recs.size() - 1)).extracting(Rec::offset, Rec::size).containsExactly(-1L, -1L);
        assertThat(recs.get(recs.size() - 1).at()).isEqualTo(stream.length);

        // read in place: the same memory as the direct file
        try (ReadBackDump a = KdumpCompressedReader.open(DumpBlockSource.of(FileChannel.open(direct)), "direct");
                ReadBackDump b = KdumpCompressedReader.inspectFlattened(DumpBlockSource.ofBytes(stream), "flat")) {
            assertThat(b.complete()).isTrue();
            assertThat(b.format()).isEqualTo(DumpFormat.KDUMP_FLAT);
            assertThat(b.memory().chunks()).extracting(x -> x.start(), x -> x.size())
                    .isEqualTo(a.memory().chunks().stream().map(x -> org.assertj.core.groups.Tuple.tuple(x.start(),
                            x.size())).toList());
            byte[] x = new byte[(int) MIB];
            byte[] y = new byte[(int) MIB];
            for (var ch : a.memory().chunks()) {
                for (long p = ch.start(); p < ch.end(); p += MIB) {
                    int n = (int) Math.min(MIB, ch.end() - p);
                    a.memory().read(p, x, 0, n);
                    b.memory().read(p, y, 0, n);
                    assertThat(Arrays.equals(x, 0, n, y, 0, n)).as("seed %d at 0x%x", seed, p).isTrue();
                }
            }
        }
    }

    /** A stream made by hand: the flat header and the given (offset, size) records with data 0x5A. */
    static byte[] stream(long type, long version, long[]... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new FlatHeader(FlatHeader.standard().signature(), type, version).toBytes());
        for (long[] r : records) {
            out.writeBytes(new FlatRecordHeader(r[0], r[1]).toBytes());
            if (r[1] > 0) {
                byte[] d = new byte[(int) r[1]];
                Arrays.fill(d, (byte) 0x5A);
                out.writeBytes(d);
            }
        }
        return out.toByteArray();
    }

    @Test
    void reassemblyFollowsMakedumpfileMinusRRules() throws IOException {
        long[] end = {-1, -1};
        // version is not checked; gaps stay zeros; bytes after the end marker are ignored
        byte[] ok = stream(1, 2, new long[] {8, 4}, new long[] {0, 2}, end);
        byte[] withTail = Arrays.copyOf(ok, ok.length + 100);
        assertThat(reassemble(withTail)).containsExactly(0x5A, 0x5A, 0, 0, 0, 0, 0, 0, 0x5A, 0x5A, 0x5A, 0x5A);
        // the first record is processed even when empty
        assertThat(reassemble(stream(1, 1, new long[] {0, 0}, new long[] {0, 3}, end))).containsExactly(0x5A, 0x5A,
                0x5A);
        // a zero-length record after the first ends the loop and is no end marker
        assertThatThrownBy(() -> reassemble(stream(1, 1, new long[] {0, 3}, new long[] {3, 0}, new long[] {3, 3},
                end))).isInstanceOf(DumpFormatException.class).hasMessageContaining("valid end header");
        assertThatThrownBy(() -> reassemble(stream(1, 1, new long[] {0, 3}, new long[] {-2, -1})))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("valid end header");
        assertThatThrownBy(() -> reassemble(stream(2, 1, new long[] {0, 3}, end)))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("type of flattened format");
        byte[] bad = stream(1, 1, new long[] {0, 3}, end);
        bad[12] = 'X'; // the signature is no longer NUL-terminated "makedumpfile"
        assertThatThrownBy(() -> reassemble(bad)).isInstanceOf(DumpFormatException.class)
                .hasMessageContaining("signature of flattened format");
        assertThatThrownBy(() -> reassemble(new byte[100])).isInstanceOf(DumpFormatException.class)
                .hasMessageContaining("header of flattened format");
        byte[] cut = stream(1, 1, new long[] {0, 3000}, end);
        assertThatThrownBy(() -> reassemble(Arrays.copyOf(cut, 4096 + 16 + 100)))
                .isInstanceOf(IncompleteDumpException.class).hasMessageContaining("data of flattened format");
        assertThatThrownBy(() -> reassemble(Arrays.copyOf(cut, cut.length - 16)))
                .isInstanceOf(IncompleteDumpException.class).hasMessageContaining("before its end marker");
    }

    @Test
    void aStreamCutShortReadsInPlaceAsIncomplete() throws IOException {
        KdumpTestSystem s = new KdumpTestSystem(8 * MIB, 5, 0, 0);
        byte[] stream = s.writeFlattened(PresentPageSelection.of(s.memory, 1, PAGE),
                KdumpCompressedWriter.Options.of(PageCompression.ZLIB));
        byte[] cut = Arrays.copyOf(stream, stream.length - 20_000);
        try (ReadBackDump d = KdumpCompressedReader.inspectFlattened(DumpBlockSource.ofBytes(cut), "cut")) {
            assertThat(d.complete()).isFalse();
            assertThat(d.problem().orElseThrow()).contains("ends inside record");
        }
        byte[] overlapping = stream(1, 1, new long[] {0, 8}, new long[] {4, 8}, new long[] {-1, -1});
        assertThatThrownBy(() -> FlattenedDumpSource.index(DumpBlockSource.ofBytes(overlapping), "o"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("--reassemble");
    }
}
