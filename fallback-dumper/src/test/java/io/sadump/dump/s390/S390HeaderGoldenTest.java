package io.sadump.dump.s390;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TodClock;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Byte-exact vectors (docs/formats.md §1-§3, §11). */
class S390HeaderGoldenTest {
    /**
     * The first 0x66 bytes of the header written by the generator of docs/formats.md §11
     * (struct.pack '>QIIIIQQQI4xQQIIIQBHH' with magic ...fd, version 5, hdr 0x1000, level 4, page 4096,
     * mem 64 KiB, mem_end 0xFFFF, 16 pages, tod 0xd5a0..., cpu id 0xff00012320648000, arch 2, volnr 0,
     * build arch 2, mem_size_real 64 KiB, mvdump 0, cpu_cnt 1, real_cpu_cnt 1), produced by running it.
     */
    static final String REFERENCE_HEADER = "a8190173618f23fd0000000500001000000000040000100000000000000100000000000000000000"
            + "000000000000ffff0000001000000000d5a0000000000000ff00012320648000000000020000000000000002000000000001000000"
            + "000100010000000000";
    static final String REFERENCE_END_MARKER = "44554d505f454e44d5a0000000000001";
    static final long TOD = 0xd5a0000000000000L;

    static S390DumpHeader referenceHeader() {
        return new S390DumpHeader(S390DumpHeader.MAGIC, 5, 0x1000, 4, 4096, 0x10000, 0, 0xFFFF, 16, TOD,
                0xff00012320648000L, 2, 0, 2, 0x10000, 0, 1, 1, 0, 0, 0, 0, new long[] {0});
    }

    @Test
    void headerBytesMatchTheReferenceGenerator() {
        byte[] b = referenceHeader().toBytes();
        assertThat(b).hasSize(4096);
        assertThat(HexFormat.of().formatHex(b, 0, 0x66)).isEqualTo(REFERENCE_HEADER);
        for (int i = 0x66; i < 4096; i++) {
            assertThat(b[i]).as("byte 0x%X", i).isZero();
        }
        assertThat(S390DumpHeader.read(ByteBuffer.wrap(b))).isEqualTo(referenceHeader());
    }

    @Test
    void fieldOffsetsAreThoseOfDfS390Hdr() {
        assertThat(S390DumpHeader.OFF_TOD).isEqualTo(0x38);
        assertThat(S390DumpHeader.OFF_MEM_SIZE_REAL).isEqualTo(0x54);
        assertThat(S390DumpHeader.OFF_MVDUMP).isEqualTo(0x5c);
        assertThat(S390DumpHeader.OFF_CPU_CNT).isEqualTo(0x5d);
        assertThat(S390DumpHeader.OFF_REAL_CPU_CNT).isEqualTo(0x5f);
        assertThat(S390DumpHeader.OFF_ZLIB_VERSION).isEqualTo(0x61);
        assertThat(S390DumpHeader.OFF_ZLIB_ENTRY_SIZE).isEqualTo(0x62);
        assertThat(S390DumpHeader.OFF_MVDUMP_SIGN).isEqualTo(0x200);
        assertThat(S390DumpHeader.OFF_LC_VEC).isEqualTo(0x800);
        assertThat(S390DumpHeader.OFF_LC_VEC + 4 * S390DumpHeader.CPU_MAX).isEqualTo(S390DumpHeader.SIZE);
        assertThat(S390SegmentHeader.MAX_ENTRIES).isEqualTo(1011);
    }

    @Test
    void everyFieldLandsAtItsOffset() {
        S390DumpHeader h = new S390DumpHeader(S390DumpHeader.MAGIC_EXT, 2, 0x1000, 4, 4096, 0x4000_0000L, 0,
                0x4000_0000L, 0x40000, 0x0102030405060708L, 0x1112131415161718L, 2, 7, 2, 0x8000_0000L, 1, 3, 4, 1,
                1 << 20, S390DumpHeader.MAGIC_EXT, 0x2122232425262728L, new long[] {0x10000, 0x12000, 0x7FFFF000L});
        ByteBuffer b = ByteBuffer.wrap(h.toBytes());
        assertThat(b.getLong(0x00)).isEqualTo(0xa8190173618f23feL);
        assertThat(b.getInt(0x4c)).isEqualTo(7);
        assertThat(b.getLong(0x54)).isEqualTo(0x8000_0000L);
        assertThat(b.get(0x5c)).isEqualTo((byte) 1);
        assertThat(b.getShort(0x5d)).isEqualTo((short) 3);
        assertThat(b.getShort(0x5f)).isEqualTo((short) 4);
        assertThat(b.get(0x61)).isEqualTo((byte) 1);
        assertThat(b.getInt(0x62)).isEqualTo(1 << 20);
        assertThat(b.getLong(0x200)).isEqualTo(0xa8190173618f23feL);
        assertThat(b.getLong(0x208)).isEqualTo(0x2122232425262728L);
        assertThat(b.getInt(0x800)).isEqualTo(0x10000);
        assertThat(b.getInt(0x808)).isEqualTo(0x7FFFF000);
        assertThat(b.getInt(0x80c)).isZero();
        assertThat(S390DumpHeader.read(b)).isEqualTo(h);
    }

    @Test
    void endMarkerIsDumpEndAndTod() {
        S390EndMarker em = S390EndMarker.at(TOD + 1);
        assertThat(HexFormat.of().formatHex(em.toBytes())).isEqualTo(REFERENCE_END_MARKER);
        assertThat(new String(em.toBytes(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("DUMP_END");
        assertThat(em.isValidFor(referenceHeader())).isTrue();
        assertThat(S390EndMarker.at(TOD).isValidFor(referenceHeader())).isTrue();
        assertThat(S390EndMarker.at(TOD - 1).isValidFor(referenceHeader())).isFalse();
        assertThat(new S390EndMarker(0x44554d505f454e45L, TOD + 1).isValidFor(referenceHeader())).isFalse();
    }

    @Test
    void segmentHeaderLayout() {
        S390SegmentHeader s = new S390SegmentHeader(0x100000, 0x200000, -1, 300, new int[] {0, 0x80000100});
        ByteBuffer b = ByteBuffer.wrap(s.toBytes());
        assertThat(b.getLong(0x00)).isEqualTo(0x100000);
        assertThat(b.getLong(0x08)).isEqualTo(0x200000);
        assertThat(b.getLong(0x10)).isEqualTo(-1);
        assertThat(b.getInt(0x18)).isEqualTo(300);
        assertThat(b.getInt(0x30)).isEqualTo(2);
        assertThat(b.getInt(0x34)).isZero();
        assertThat(b.getInt(0x38)).isEqualTo(0x80000100);
        assertThat(S390SegmentHeader.read(b)).isEqualTo(s);
    }

    /** The whole file of the reference generator: header, 64 KiB of (i * 7) & 0xff, end marker. */
    @Test
    void readsTheReferenceGeneratorsFile() throws IOException {
        byte[] mem = new byte[0x10000];
        for (int i = 0; i < mem.length; i++) {
            mem[i] = (byte) ((i * 7) & 0xff);
        }
        byte[] file = new byte[4096 + mem.length + 16];
        System.arraycopy(referenceHeader().toBytes(), 0, file, 0, 4096);
        System.arraycopy(mem, 0, file, 4096, mem.length);
        System.arraycopy(HexFormat.of().parseHex(REFERENCE_END_MARKER), 0, file, 4096 + mem.length, 16);
        try (ReadBackDump d = ClassicS390DumpReader.open(DumpBlockSource.ofBytes(file), "ref.s390")) {
            byte[] back = new byte[mem.length];
            d.memory().read(0, back, 0, back.length);
            assertThat(back).isEqualTo(mem);
            assertThat(d.metadata().cpus()).isEmpty(); // lc_vec[0] = 0 names no lowcore
            assertThat(d.s390EndMarker().orElseThrow().tod()).isEqualTo(TOD + 1);
        }
        assertThat(ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(Arrays.copyOf(file, file.length - 1)), "r")
                .complete()).isFalse();
    }

    @Test
    void todClockCountsMicrosecondsFrom1900() {
        assertThat(TodClock.fromInstant(Instant.parse("1900-01-01T00:00:00Z"))).isZero();
        assertThat(TodClock.fromInstant(Instant.parse("1900-01-01T00:00:01Z"))).isEqualTo(1_000_000L << 12);
        Instant t = Instant.parse("2024-05-06T07:08:09.123456Z");
        assertThat(TodClock.toInstant(TodClock.fromInstant(t))).isEqualTo(t);
        // the reference vector 0xd5a0... as python computes it from 1900-01-01 + (tod >> 12) us
        assertThat(TodClock.toInstant(TOD)).isEqualTo(Instant.parse("2019-02-02T21:12:23.738368Z")); // python datetime agrees
    }
}
