package io.sadump.dump.s390;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.MemoryTape;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TestMemory;
import io.sadump.dump.TestMemory.Workload;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSource;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ClassicS390RoundTripTest {
    static final long MIB = TestMemory.MIB;
    static final long TOD = 0xD5A0_0000_0000_0000L;

    @TempDir
    Path dir;

    static S390DumpSettings settings() {
        return S390DumpSettings.defaults().withFixedTod(TOD);
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void fileRoundTripIsSparseAndExact(Workload w) throws IOException {
        long size = 32 * MIB;
        AbsoluteStorage storage = TestMemory.storage(w, size, 31 + w.ordinal());
        List<CpuState> cpus = TestMemory.cpus(storage, 2, 31);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.empty());
        Path file = dir.resolve("dump.s390");
        S390DumpResult r;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            r = new ClassicS390DumpWriter(settings()).writeFile(src, srcMeta, ch);
        }
        assertThat(Files.size(file)).isEqualTo(4096 + size + 16);
        assertThat(r.header().magic()).isEqualTo(S390DumpHeader.MAGIC);
        try (ReadBackDump dump = ClassicS390DumpReader.open(DumpBlockSource.of(FileChannel.open(file)), file.toString())) {
            assertThat(dump.format()).isEqualTo(DumpFormat.S390);
            assertThat(TestMemory.digests(dump.memory(), size)).isEqualTo(TestMemory.digests(storage, size));
            assertThat(dump.metadata().cpus()).isEqualTo(cpus);
            assertThat(dump.s390EndMarker()).contains(r.endMarker());
        }
        // the same bytes through a plain stream (zeros written instead of seeks)
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ClassicS390DumpWriter(settings()).writeFile(src, srcMeta, Channels.newChannel(bytes));
        assertThat(TestMemory.sha(bytes.toByteArray())).isEqualTo(TestMemory.sha(Files.readAllBytes(file)));
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void tapeRoundTrip(Workload w) throws IOException {
        long size = 16 * MIB;
        AbsoluteStorage storage = TestMemory.storage(w, size, 51 + w.ordinal());
        List<CpuState> cpus = TestMemory.cpus(storage, 4, 51);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.empty());
        MemoryTape tape = new MemoryTape(1L << 40);
        tape.writeBlock(new byte[24], 0, 24); // file 1: the dump tool record
        S390DumpResult r = new ClassicS390DumpWriter(settings()).writeTape(src, srcMeta, tape);
        List<byte[]> rec = tape.records();
        int memBlocks = (int) (size / 0x8000);
        assertThat(rec).hasSize(1 + 1 + 1 + memBlocks + 1 + 1);
        assertThat(rec.get(1)).isNull();
        assertThat(rec.get(2)).hasSize(4096);
        assertThat(rec.get(3)).hasSize(0x8000);
        assertThat(rec.get(rec.size() - 2)).hasSize(16);
        assertThat(rec.get(rec.size() - 1)).isNull();
        assertThat(r.blocksPerVolume()).containsExactly((long) memBlocks + 2);
        try (ReadBackDump dump = ClassicS390DumpReader.openTape(tape.file(1), "tape")) {
            assertThat(dump.format()).isEqualTo(DumpFormat.S390_TAPE);
            assertThat(TestMemory.digests(dump.memory(), size)).isEqualTo(TestMemory.digests(storage, size));
            assertThat(dump.metadata().cpus()).isEqualTo(cpus);
        }
    }

    @Test
    void endOfTapeLeavesADumpWithoutEndMarker() throws IOException {
        long size = 8 * MIB;
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, size, 61);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        MemoryTape tape = new MemoryTape(4096 + 5 * MIB);
        assertThatThrownBy(() -> new ClassicS390DumpWriter(settings()).writeTape(src, srcMeta, tape))
                .isInstanceOf(DumpDeviceFullException.class);
        ReadBackDump dump = ClassicS390DumpReader.inspectTape(tape.file(1), "tape");
        assertThat(dump.complete()).isFalse();
        assertThat(dump.problem().orElseThrow()).contains("no end marker");
        // what is there is right
        long have = dump.memory().chunks().get(0).size();
        assertThat(have).isEqualTo(5 * MIB - 0x8000);
        assertThat(TestMemory.digests(dump.memory(), 4 * MIB)).isEqualTo(TestMemory.digests(storage, 4 * MIB));
        assertThatThrownBy(() -> ClassicS390DumpReader.openTape(tape.file(1), "tape"))
                .isInstanceOf(IncompleteDumpException.class);
    }

    @Test
    void truncatedOrDamagedFileIsIncomplete() throws IOException {
        long size = 8 * MIB;
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, size, 62);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ClassicS390DumpWriter(settings()).writeFile(src, srcMeta, Channels.newChannel(out));
        byte[] b = out.toByteArray();
        assertThat(ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(b), "f").complete()).isTrue();
        for (int cut : new int[] {4096, 4096 + 1, (int) MIB, b.length - 16, b.length - 1}) {
            ReadBackDump d = ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(java.util.Arrays.copyOf(b, cut)), "f");
            assertThat(d.complete()).as("cut at %d", cut).isFalse();
        }
        byte[] badString = b.clone();
        badString[b.length - 16] = 'X';
        assertThat(ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(badString), "f").problem().orElseThrow())
                .contains("end marker");
        byte[] oldTod = b.clone();
        ByteBuffer.wrap(oldTod).putLong(b.length - 8, TOD - 1);
        assertThat(ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(oldTod), "f").complete()).isFalse();
    }

    @Test
    void headerChecksAreZgetdumps() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.ZERO, 2 * MIB, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ClassicS390DumpWriter(settings()).writeFile(new StorageMemorySource(storage), DumpMetadata.none(),
                Channels.newChannel(out));
        byte[] good = out.toByteArray();
        assertThatThrownBy(() -> ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(new byte[100]), "tiny"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("too small");
        assertRejected(good, S390DumpHeader.OFF_MAGIC, 8, 0x1234L, "not an s390 dump");
        assertRejected(good, S390DumpHeader.OFF_ARCH, 4, 1, "architecture");
        assertRejected(good, S390DumpHeader.OFF_BUILD_ARCH, 4, 1, "build architecture");
        assertRejected(good, S390DumpHeader.OFF_CPU_CNT, 2, 513, "cpu_cnt");
        byte[] zlib = good.clone();
        zlib[S390DumpHeader.OFF_ZLIB_VERSION] = 1;
        ByteBuffer.wrap(zlib).putInt(S390DumpHeader.OFF_VERSION, 5);
        assertThatThrownBy(() -> ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(zlib), "z"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("version 2");
        // s390_ext magic is not the classic format, and the classic one is not s390_ext
        assertThatThrownBy(() -> S390ExtDumpReader.inspect(DumpBlockSource.ofBytes(good), "x"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("not an s390_ext dump");
    }

    private static void assertRejected(byte[] good, int offset, int width, long value, String message) {
        byte[] b = good.clone();
        ByteBuffer bb = ByteBuffer.wrap(b);
        switch (width) {
            case 2 -> bb.putShort(offset, (short) value);
            case 4 -> bb.putInt(offset, (int) value);
            default -> bb.putLong(offset, value);
        }
        assertThatThrownBy(() -> ClassicS390DumpReader.inspect(DumpBlockSource.ofBytes(b), "f"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining(message);
    }

    @Test
    void sizeLimitOnTape() throws IOException {
        long size = 8 * MIB;
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, size, 63);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        MemoryTape tape = new MemoryTape(1L << 40);
        S390DumpResult r = new ClassicS390DumpWriter(settings().withMemoryLimit(3 * MIB)).writeTape(src, srcMeta, tape);
        assertThat(r.header().memSize()).isEqualTo(3 * MIB);
        assertThat(r.header().memSizeReal()).isEqualTo(size);
        try (ReadBackDump dump = ClassicS390DumpReader.openTape(tape.file(1), "t")) {
            assertThat(TestMemory.digests(dump.memory(), 3 * MIB)).isEqualTo(TestMemory.digests(storage, 3 * MIB));
        }
    }
}
