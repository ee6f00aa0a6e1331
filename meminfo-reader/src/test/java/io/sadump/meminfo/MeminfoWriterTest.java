package io.sadump.meminfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.AddressOutOfRangeException;
import io.sadump.machine.Lowcore;
import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MeminfoWriterTest {
    private static final long PAGE_AT = 0x30_0000;
    private final AbsoluteStorage storage = AbsoluteStorage.inMemory(32L << 20);

    private MeminfoPage stored() {
        return MeminfoPage.read(storage.bytes(PAGE_AT, MeminfoPage.SIZE));
    }

    @Test
    void createPlacesAnEmptyPageAndSetsThePointer() {
        MeminfoWriter w = MeminfoWriter.create(storage, PAGE_AT);
        assertThat(storage.u64(Lowcore.MEMINFO_POINTER)).isEqualTo(PAGE_AT);
        assertThat(stored()).isEqualTo(MeminfoPage.empty()).isEqualTo(w.page());
        assertThat(stored().checksumValid()).isTrue();
        assertThat(stored().versionMajor()).isEqualTo(1);
        assertThat(stored().versionMinor()).isEqualTo(1);
    }

    @Test
    void createRejectsBadAddresses() {
        assertThatThrownBy(() -> MeminfoWriter.create(storage, PAGE_AT + 0x800))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x300800");
        assertThatThrownBy(() -> MeminfoWriter.create(storage, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MeminfoWriter.create(storage, 32L << 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    }

    @Test
    void everyChangeRecomputesTheHeaderChecksum() {
        MeminfoWriter w = MeminfoWriter.create(storage, PAGE_AT);
        w.setCrashkernel(0x10000000L, 0x10000000L);
        // worked vector 1 of docs/abi.md §1.1
        assertThat(stored().csum()).isEqualTo(0x20010001);

        byte[] note = "OSRELEASE=6.1.0\nPAGESIZE=4096\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        storage.write(0x1234000L, note);
        MeminfoEntry e = w.addData(MeminfoEntryIndex.VMCOREINFO, 0x1234000L, note.length);
        assertThat(e).isEqualTo(new MeminfoEntry(0x1234000L, 30, 0x28CCCB95));
        // worked vector 2
        assertThat(stored().csum()).isEqualTo(0x49F10BB4);

        w.addValue(MeminfoEntryIndex.KASLR_OFFSET, 0x3F000000L);
        assertThat(stored().entry(MeminfoEntryIndex.KASLR_OFFSET)).isEqualTo(MeminfoEntry.value(0x3F000000L));
        assertThat(stored().checksumValid()).isTrue();

        w.removeEntry(MeminfoEntryIndex.KASLR_OFFSET);
        assertThat(stored().csum()).isEqualTo(0x49F10BB4);
        assertThat(stored()).isEqualTo(w.page());
    }

    @Test
    void addDataReplacesAndChecksumsStorage() {
        MeminfoWriter w = MeminfoWriter.create(storage, PAGE_AT);
        storage.write(0x10000, new byte[] {1, 2, 3, 4, 5});
        w.addData(MeminfoEntryIndex.REIPL_BLOCK, 0x10000, 5);
        storage.write(0x20000, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        MeminfoEntry e = w.addData(MeminfoEntryIndex.REIPL_BLOCK, 0x20000, 4);
        assertThat(e.csum()).isEqualTo(0xFFFFFFFF);
        assertThat(stored().entry(MeminfoEntryIndex.REIPL_BLOCK)).isEqualTo(e);
    }

    @Test
    void entryKindsAreEnforced() {
        MeminfoWriter w = MeminfoWriter.create(storage, PAGE_AT);
        assertThatThrownBy(() -> w.addData(MeminfoEntryIndex.IMAGE_START, 0, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a data entry");
        assertThatThrownBy(() -> w.addData(MeminfoEntryIndex.KDUMP_SEGMENTS, 0, 8))
                .hasMessageContaining("segment table");
        assertThatThrownBy(() -> w.addValue(MeminfoEntryIndex.FLAGS, 1)).hasMessageContaining("not a value entry");
        assertThatThrownBy(() -> w.addData(MeminfoEntryIndex.VMCOREINFO, (32L << 20) - 4, 8))
                .isInstanceOf(AddressOutOfRangeException.class);
    }

    @Test
    void segmentTableGoesToEntry13WithItsChecksum() {
        MeminfoWriter w = MeminfoWriter.create(storage, PAGE_AT);
        w.setCrashkernel(16L << 20, 16L << 20);
        storage.write((16L << 20) + 0x10000, new byte[] {9, 9, 9});
        KexecSegment k = w.measureSegment((16L << 20) + 0x10000, 0x1000, 3, SegmentKind.KERNEL);
        KexecSegmentTable t = new KexecSegmentTable(0x10010, List.of(k));
        MeminfoEntry e = w.writeSegmentTable(0x301000, t);
        assertThat(e).isEqualTo(MeminfoEntry.data(0x301000, 96, Cksm.of(t.toBytes())));
        assertThat(storage.bytes(0x301000, 96)).isEqualTo(t.toBytes());
        assertThat(stored().entry(MeminfoEntryIndex.KDUMP_SEGMENTS)).isEqualTo(e);
        assertThat(stored().versionMinor()).isEqualTo(2);
        assertThat(stored().checksumValid()).isTrue();

        w.removeEntry(MeminfoEntryIndex.KDUMP_SEGMENTS);
        assertThat(stored().hasKdumpSegments()).isFalse();
        assertThat(stored().versionMinor()).isEqualTo(1);
    }

    @Test
    void openContinuesWithThePublishedPage() {
        MeminfoWriter.create(storage, PAGE_AT).setCrashkernel(16L << 20, 8L << 20);
        MeminfoWriter again = MeminfoWriter.open(storage);
        assertThat(again.address()).isEqualTo(PAGE_AT);
        assertThat(again.page().crashkernelSize()).isEqualTo(8L << 20);
        again.setCrashkernel(16L << 20, 16L << 20);
        assertThat(stored().crashkernelSize()).isEqualTo(16L << 20);
        assertThat(stored().checksumValid()).isTrue();
    }

    @Test
    void openWithoutAPageFails() {
        assertThatThrownBy(() -> MeminfoWriter.open(storage)).isInstanceOf(MeminfoFormatException.class)
                .hasMessageContaining("pointer at 0x0E18 is 0x0");
        storage.putU64(Lowcore.MEMINFO_POINTER, PAGE_AT);
        assertThatThrownBy(() -> MeminfoWriter.open(storage)).hasMessageContaining("not \"OSINFOSZ\"");
    }

    @Test
    void storageDigestIsStreamedSha256() throws Exception {
        SplittableRandom rnd = new SplittableRandom(31);
        byte[] b = new byte[AbsoluteStorage.SCAN_PIECE * 3 + 17];
        CksmTest.fill(rnd, b);
        storage.write(0x123, b);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(b);
        assertThat(StorageDigest.sha256(storage, 0x123, b.length)).isEqualTo(expected);
        assertThat(StorageDigest.sha256(storage, 0, 0)).isEqualTo(MessageDigest.getInstance("SHA-256").digest());
        // SHA-256("abc"), FIPS 180-2 example
        assertThat(java.util.HexFormat.of().formatHex(StorageDigest.sha256("abc".getBytes())))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void measureSegmentCoversTheZeroTail() throws Exception {
        MeminfoWriter w = MeminfoWriter.create(storage, PAGE_AT);
        storage.write(0x500000, new byte[] {1, 2, 3});
        KexecSegment s = w.measureSegment(0x500000, 0x1000, 3, SegmentKind.INITRD);
        byte[] whole = new byte[0x1000];
        whole[0] = 1;
        whole[1] = 2;
        whole[2] = 3;
        assertThat(s.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(whole));
        assertThat(s.bufsz()).isEqualTo(3);
        assertThat(s.kind()).isEqualTo(SegmentKind.INITRD);
    }
}
