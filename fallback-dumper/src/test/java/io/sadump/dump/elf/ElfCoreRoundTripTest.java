package io.sadump.dump.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.dump.DumpFormatException;
import io.sadump.dump.IncompleteDumpException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.TestMemory;
import io.sadump.dump.TestMemory.Workload;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MemoryMapping;
import io.sadump.machine.MemorySource;
import io.sadump.machine.MemoryAbsentException;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSource;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ElfCoreRoundTripTest {
    static final long MIB = TestMemory.MIB;
    static final String VMCOREINFO = "OSRELEASE=6.1.0-s390x-sadump\nPAGESIZE=4096\nCRASHTIME=1700000000\n";

    @TempDir
    Path dir;

    static Path write(Path file, StorageMemorySource src, DumpMetadata srcMeta, ElfCoreWriter.Options o)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new ElfCoreWriter(o).write(src, srcMeta, ch);
        }
        return file;
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void roundTripKeepsMemoryCpusAndVmcoreinfo(Workload w) throws IOException {
        long size = 32 * MIB;
        AbsoluteStorage storage = TestMemory.storage(w, size, 70 + w.ordinal());
        List<CpuState> cpus = TestMemory.cpus(storage, 3, 70);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.of(VMCOREINFO));
        Path file = write(dir.resolve("vmcore"), src, srcMeta, ElfCoreWriter.Options.defaults());
        assertThat(Files.size(file)).as("the planned size of workload %s", w)
                .isEqualTo(new ElfCoreWriter(ElfCoreWriter.Options.defaults()).plannedSize(src, srcMeta));
        try (ReadBackDump d = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(file)), file.toString())) {
            assertThat(TestMemory.digests(d.memory(), size)).isEqualTo(TestMemory.digests(storage, size));
            assertThat(d.metadata().cpus()).isEqualTo(cpus);
            assertThat(d.metadata().vmcoreinfo()).contains(VMCOREINFO);
            assertThat(d.memory().memorySize()).isEqualTo(size);
        }
        // the same bytes as a stream
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(src, srcMeta, Channels.newChannel(bytes));
        assertThat(TestMemory.sha(bytes.toByteArray())).isEqualTo(TestMemory.sha(Files.readAllBytes(file)));
    }

    /**
     * Storage in a file is copied into an output file by the kernel (sendfile), also through a view that
     * moves its ranges as the kdump kernel's old memory does; the file must hold the bytes the read path
     * writes into a stream.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {91, 92, 93})
    void storageInAFileCopiedByTheKernelGivesTheBytesTheReadsGive(long seed) throws IOException {
        long size = 24 * MIB;
        SplittableRandom r = new SplittableRandom(seed);
        AbsoluteStorage mixed = TestMemory.storage(Workload.MIXED, size, seed);
        try (FileStorage storage = FileStorage.create(dir.resolve("storage.img"), dir.resolve("storage.frames"),
                size)) {
            byte[] frame = new byte[(int) MIB];
            for (long a = 0; a < size; a += MIB) {
                if (mixed.writtenFrames().isWritten(a / MIB)) {
                    mixed.read(a, frame, 0, frame.length);
                    storage.write(a, frame);
                }
            }
            List<CpuState> cpus = TestMemory.cpus(storage, 2, seed);
            DumpMetadata meta = DumpMetadata.of(cpus, Optional.of(VMCOREINFO));
            // a swap of two ranges at page offsets, as a crashkernel swap maps old memory
            long half = (1 + r.nextInt(5)) * MIB + 4096L * r.nextInt(256);
            MemorySource view = new StorageMemorySource(storage).map(List.of(new MemoryMapping(0, half, half),
                    new MemoryMapping(half, 0, half), new MemoryMapping(2 * half, 2 * half, size - 2 * half)), size);
            for (MemorySource m : List.of(new StorageMemorySource(storage), view)) {
                Path file = dir.resolve("vmcore-" + (m == view ? "view" : "whole"));
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(m, meta, ch);
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(m, meta, Channels.newChannel(bytes));
                assertThat(TestMemory.sha(Files.readAllBytes(file))).as("seed %d, %s", seed, file.getFileName())
                        .isEqualTo(TestMemory.sha(bytes.toByteArray()));
                try (ReadBackDump d = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(file)), "vmcore")) {
                    assertThat(TestMemory.digests(d.memory(), size)).as("seed %d", seed)
                            .isEqualTo(TestMemory.digests(m, size));
                }
            }
        }
    }

    @Test
    void layoutIsTheVmcoreLayout() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.MIXED, 64 * MIB, 72);
        List<CpuState> cpus = TestMemory.cpus(storage, 2, 72);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.of(VMCOREINFO));
        ElfCoreWriter.Options o = ElfCoreWriter.Options.defaults().excluding(16 * MIB, 16 * MIB);
        Path file = dir.resolve("vmcore");
        ElfCoreWriter.Result r;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            r = new ElfCoreWriter(o).write(src, srcMeta, ch);
        }
        byte[] head = new byte[4096];
        try (FileChannel ch = FileChannel.open(file)) {
            ch.read(ByteBuffer.wrap(head), 0);
        }
        ElfHeader h = ElfHeader.read(ByteBuffer.wrap(head));
        assertThat(h).isEqualTo(ElfHeader.s390xCore(3));
        assertThat(head[0]).isEqualTo((byte) 0x7F);
        assertThat(head[4]).isEqualTo((byte) 2);
        assertThat(head[5]).isEqualTo((byte) 2);
        assertThat(ByteBuffer.wrap(head).getShort(18)).isEqualTo((short) 22);
        List<ElfProgramHeader> p = r.programHeaders();
        assertThat(p).hasSize(3);
        assertThat(p.get(0).type()).isEqualTo(ElfProgramHeader.PT_NOTE);
        assertThat(p.get(1)).isEqualTo(new ElfProgramHeader(1, 7, 4096, 0, 0, 16 * MIB, 16 * MIB, 4096));
        assertThat(p.get(2)).isEqualTo(new ElfProgramHeader(1, 7, 4096 + 16 * MIB, 32 * MIB, 32 * MIB, 32 * MIB,
                32 * MIB, 4096));
        for (ElfProgramHeader l : p.subList(1, 3)) {
            assertThat(l.offset() % 4096).isZero();
            assertThat(l.offset()).isNotEqualTo(l.paddr());
        }
        assertThat(Files.size(file)).isEqualTo(r.fileSize()).isEqualTo(4096 + 48 * MIB)
                .isEqualTo(new ElfCoreWriter(o).plannedSize(src, srcMeta));
        // notes: PRPSINFO, 7 per CPU, VMCOREINFO
        assertThat(r.notes()).hasSize(1 + 2 * 7 + 1);
        assertThat(r.notes().get(1).descSize()).isEqualTo(336);
        assertThat(r.notes().get(2).descSize()).isEqualTo(136);
        assertThat(r.notes().get(5).type()).isEqualTo(0x303);
        assertThat(r.notes().get(5).descSize()).isEqualTo(4);
        assertThat(r.notes().get(3).name()).isEqualTo("LINUX");
        try (ReadBackDump d = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(file)), "vmcore")) {
            assertThat(TestMemory.digests(d.memory(), 16 * MIB)).isEqualTo(TestMemory.digests(storage, 16 * MIB));
            assertThatThrownBy(() -> d.memory().read(16 * MIB, new byte[8], 0, 8)).isInstanceOf(MemoryAbsentException.class);
            byte[] a = new byte[(int) MIB];
            byte[] b = new byte[(int) MIB];
            d.memory().read(40 * MIB, a, 0, a.length);
            storage.read(40 * MIB, b, 0, b.length);
            assertThat(a).isEqualTo(b);
        }
    }

    @Test
    void zeroChunksAreHolesInAFile() throws Exception {
        AbsoluteStorage storage = AbsoluteStorage.inMemory(256 * MIB);
        storage.putU64(0x1000, 42);
        storage.putU64(255 * MIB, 43);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        Path file = write(dir.resolve("sparse"), src, srcMeta, ElfCoreWriter.Options.defaults());
        assertThat(Files.size(file)).isEqualTo(4096 + 256 * MIB);
        // allocated blocks (stat %b, 512-byte units): the zero MiBs were seeked over, not written
        io.sadump.interop.InteropTools.Result st = io.sadump.interop.InteropTools.run(
                List.of("stat", "-c", "%b", file.toString()));
        assertThat(st.exitCode()).isZero();
        assertThat(Long.parseLong(st.output().strip()) * 512).isLessThan(8 * MIB);
        try (ReadBackDump d = ElfCoreReader.open(DumpBlockSource.of(FileChannel.open(file)), "sparse")) {
            assertThat(TestMemory.digests(d.memory(), 256 * MIB)).isEqualTo(TestMemory.digests(storage, 256 * MIB));
        }
    }

    @Test
    void onlyCpusWithAPrefixGetNotesAndOldNoteNamesAreRead() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.ZERO, 4 * MIB, 73);
        List<CpuState> cpus = new java.util.ArrayList<>(TestMemory.cpus(storage, 2, 73));
        cpus.add(0, CpuState.reset(5)); // prefix 0: no notes
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.of(cpus, Optional.empty());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ElfCoreWriter.Result r = new ElfCoreWriter(ElfCoreWriter.Options.defaults().withS390NoteName("CORE"))
                .write(src, srcMeta, Channels.newChannel(bytes));
        assertThat(r.cpuCount()).isEqualTo(2);
        assertThat(r.notes()).hasSize(1 + 2 * 7);
        assertThat(r.notes()).allMatch(n -> n.name().equals("CORE"));
        try (ReadBackDump d = ElfCoreReader.open(DumpBlockSource.ofBytes(bytes.toByteArray()), "core")) {
            assertThat(d.metadata().cpus()).isEqualTo(cpus.subList(1, 3));
            assertThat(d.metadata().vmcoreinfo()).isEmpty();
        }
    }

    @Test
    void truncatedCoreIsIncomplete() throws IOException {
        AbsoluteStorage storage = TestMemory.storage(Workload.RANDOM, 8 * MIB, 74);
        StorageMemorySource src = new StorageMemorySource(storage);
        DumpMetadata srcMeta = DumpMetadata.none();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(src, srcMeta, Channels.newChannel(bytes));
        byte[] b = bytes.toByteArray();
        assertThat(ElfCoreReader.inspect(DumpBlockSource.ofBytes(b), "c").complete()).isTrue();
        for (int cut : new int[] {b.length - 1, b.length - 4096, 4096 + 1, 5000}) {
            ReadBackDump d = ElfCoreReader.inspect(DumpBlockSource.ofBytes(java.util.Arrays.copyOf(b, cut)), "c");
            assertThat(d.complete()).as("cut %d", cut).isFalse();
            assertThatThrownBy(() -> ElfCoreReader.open(DumpBlockSource.ofBytes(java.util.Arrays.copyOf(b, cut)), "c"))
                    .isInstanceOf(IncompleteDumpException.class);
        }
        assertThatThrownBy(() -> ElfCoreReader.inspect(DumpBlockSource.ofBytes(java.util.Arrays.copyOf(b, 100)), "c"))
                .isInstanceOf(DumpFormatException.class);
        byte[] little = b.clone();
        little[5] = 1;
        assertThatThrownBy(() -> ElfCoreReader.inspect(DumpBlockSource.ofBytes(little), "c"))
                .isInstanceOf(DumpFormatException.class).hasMessageContaining("big-endian");
    }
}
