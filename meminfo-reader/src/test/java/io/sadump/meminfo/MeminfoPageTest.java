package io.sadump.meminfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MeminfoPageTest {

    @Test
    void layoutConstantsMatchTheReference() {
        // docs/abi.md §5.1: entries at 0x20 + 20*i, upstream reserved from 0x124.
        assertThat(MeminfoPage.ENTRIES_OFFSET + 20 * 12).isEqualTo(0x110);
        assertThat(MeminfoPage.ENTRIES_OFFSET + 20 * MeminfoEntryIndex.KDUMP_SEGMENTS.index()).isEqualTo(0x124);
        assertThat(MeminfoPage.RESERVED_OFFSET).isEqualTo(0x138);
        assertThat(MeminfoPage.CSUM_LENGTH).isEqualTo(4084);
        assertThat(MeminfoPage.empty().toBytes()).hasSize(4096);
    }

    @Test
    void entryIndicesAreNamed() {
        assertThat(MeminfoEntryIndex.of(0)).isEqualTo(MeminfoEntryIndex.VMCOREINFO);
        assertThat(MeminfoEntryIndex.of(1)).isEqualTo(MeminfoEntryIndex.REIPL_BLOCK);
        assertThat(MeminfoEntryIndex.of(2)).isEqualTo(MeminfoEntryIndex.FLAGS);
        assertThat(MeminfoEntryIndex.of(12)).isEqualTo(MeminfoEntryIndex.IMAGE_PHYS);
        assertThat(MeminfoEntryIndex.of(13)).isEqualTo(MeminfoEntryIndex.KDUMP_SEGMENTS);
        assertThat(MeminfoEntryIndex.KDUMP_SEGMENTS.isSadumpExtension()).isTrue();
        assertThat(MeminfoEntryIndex.KASLR_OFFSET.isValueEntry()).isTrue();
        assertThat(MeminfoEntryIndex.VMCOREINFO.isValueEntry()).isFalse();
        assertThatThrownBy(() -> MeminfoEntryIndex.of(14)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vector1() {
        MeminfoPage p = MeminfoPage.empty().withCrashkernel(0x10000000L, 0x10000000L).withComputedChecksum();
        assertThat(p.csum()).isEqualTo(0x20010001);
        assertThat(HexFormat.of().withUpperCase().formatHex(p.toBytes(), 0, 32))
                .isEqualTo("4F53494E464F535A200100010001000100000000100000000000000010000000");
        assertThat(p.toBytes()).isEqualTo(withCsum(CksmTest.vector1Page(), 0x20010001));
        assertThat(p.checksumValid()).isTrue();
        assertThat(p.magicText()).isEqualTo("OSINFOSZ");
    }

    @Test
    void vector2() {
        MeminfoPage p = MeminfoPage.empty().withCrashkernel(0x10000000L, 0x10000000L)
                .withEntry(MeminfoEntryIndex.VMCOREINFO, MeminfoEntry.data(0x1234000L, 30, 0x28CCCB95))
                .withComputedChecksum();
        assertThat(p.csum()).isEqualTo(0x49F10BB4);
        // and read back from bytes built by hand
        byte[] page = CksmTest.vector1Page();
        ByteBuffer.wrap(page).putInt(8, 0x49F10BB4).position(0x20).putLong(0x1234000L).putLong(30).putInt(0x28CCCB95);
        MeminfoPage read = MeminfoPage.read(page);
        assertThat(read).isEqualTo(p);
        assertThat(read.entry(MeminfoEntryIndex.VMCOREINFO)).isEqualTo(new MeminfoEntry(0x1234000L, 30, 0x28CCCB95));
        assertThat(read.checksumValid()).isTrue();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 77, 123456789})
    void roundTripIsByteIdentical(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 50; round++) {
            byte[] raw = new byte[MeminfoPage.SIZE];
            CksmTest.fill(rnd, raw);
            MeminfoPage p = MeminfoPage.read(ByteBuffer.wrap(raw));
            ByteBuffer out = ByteBuffer.allocate(MeminfoPage.SIZE);
            p.write(out);
            assertThat(out.array()).as("seed %d round %d", seed, round).isEqualTo(raw);
            assertThat(MeminfoPage.read(out.array())).isEqualTo(p);
        }
    }

    @Test
    void readLeavesTheBufferAfterThePage() {
        ByteBuffer b = ByteBuffer.allocate(MeminfoPage.SIZE + 10);
        b.position(5);
        MeminfoPage.empty().write(b);
        assertThat(b.position()).isEqualTo(5 + MeminfoPage.SIZE);
        b.position(5);
        assertThat(MeminfoPage.read(b)).isEqualTo(MeminfoPage.empty());
        assertThat(b.position()).isEqualTo(5 + MeminfoPage.SIZE);
    }

    @Test
    void shortBufferIsRejected() {
        assertThatThrownBy(() -> MeminfoPage.read(ByteBuffer.allocate(100)))
                .isInstanceOf(MeminfoFormatException.class).hasMessageContaining("4096");
    }

    /**
     * Entry 13 lies in upstream's reserved area, which the header CKSM covers: a page with entry 13
     * passes upstream's os_info_check (magic, csum over 4084 bytes, version_major <= 1), and changing
     * entry 13 without recomputing breaks that csum.
     */
    @Test
    void pageWithEntry13IsAValidUpstreamOsInfo() {
        MeminfoPage p = MeminfoPage.empty().withCrashkernel(16L << 20, 16L << 20)
                .withVersion(1, MeminfoPage.VERSION_MINOR_KDUMP_SEGMENTS)
                .withEntry(MeminfoEntryIndex.KDUMP_SEGMENTS, MeminfoEntry.data(0x201000, 0x120, 0x12345678))
                .withComputedChecksum();
        byte[] bytes = p.toBytes();
        assertThat(upstreamOsInfoCheck(bytes)).isTrue();
        // upstream sees index 13 as reserved bytes at 0x124
        assertThat(ByteBuffer.wrap(bytes).getLong(0x124)).isEqualTo(0x201000L);

        byte[] changed = bytes.clone();
        ByteBuffer.wrap(changed).putInt(0x124 + 16, 0x12345679); // entry 13 csum, header csum not recomputed
        assertThat(upstreamOsInfoCheck(changed)).isFalse();
    }

    /** s390-tools' os_info_check, written from its description (docs/abi.md §8, the magic of check 1, checks 2-3). */
    private static boolean upstreamOsInfoCheck(byte[] page) {
        ByteBuffer b = ByteBuffer.wrap(page);
        boolean magic = new String(page, 0, 8, StandardCharsets.US_ASCII).equals("OSINFOSZ");
        int sum = CksmTest.reference(page, 12, 4084, 0);
        return magic && b.getInt(8) == sum && (b.getShort(12) & 0xFFFF) <= 1;
    }

    @Test
    void withersKeepTheStoredChecksumUntilSealed() {
        MeminfoPage p = MeminfoPage.empty();
        MeminfoPage changed = p.withCrashkernel(1L << 20, 1L << 20);
        assertThat(changed.csum()).isEqualTo(p.csum());
        assertThat(changed.checksumValid()).isFalse();
        assertThat(changed.withComputedChecksum().checksumValid()).isTrue();
        assertThat(p.withMagic(0).magicValid()).isFalse();
        assertThat(p.withoutEntry(MeminfoEntryIndex.VMCOREINFO)).isEqualTo(p);
    }

    @Test
    void reservedBytesArePartOfThePageAndCopiedDefensively() {
        byte[] r = new byte[MeminfoPage.RESERVED_SIZE];
        r[0] = 1;
        MeminfoPage p = MeminfoPage.empty().withReserved(r);
        r[0] = 2;
        assertThat(p.reserved()[0]).isEqualTo((byte) 1);
        assertThat(p.toBytes()[MeminfoPage.RESERVED_OFFSET]).isEqualTo((byte) 1);
        assertThat(p.checksumValid()).isFalse();
        assertThatThrownBy(() -> MeminfoPage.empty().withReserved(new byte[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] withCsum(byte[] page, int csum) {
        ByteBuffer.wrap(page).putInt(8, csum);
        return page;
    }
}
