package io.sadump.archive;

import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.dumptool.DumpToolOptions;
import io.sadump.device.dumptool.MultiVolumeTable;
import io.sadump.device.tape.TapeDrive;
import io.sadump.dump.TodClock;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.fixtures.FirstKernel;
import io.sadump.fixtures.Workload;
import io.sadump.meminfo.CrashVmcoreinfo;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSink;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Production systems booted with the first-kernel fixture in memory, and dumps of them written with
 * the formats' writers onto files, CKD images and AWS tapes.
 */
final class TestDumps {
    static final long MIB = 1L << 20;
    static final String NODENAME = "archive-test";
    /** The dump start time every test dump has: 2026-11-25 10:00:00 UTC. */
    static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    static final long START_TOD = TodClock.fromInstant(START);
    static final long CPU_ID = 0xFF00012320648000L;

    private TestDumps() {}

    /** A booted system: storage and the CPUs whose status was stored (as the IPL's store status does). */
    record System(AbsoluteStorage storage, List<CpuState> cpus, String vmcoreinfo) {
        MemorySource memory() {
            return new StorageMemorySource(storage);
        }

        DumpMetadata metadata() {
            return DumpMetadata.of(cpus, Optional.of(vmcoreinfo));
        }
    }

    static System boot(long size, int cpus, long seed) {
        AbsoluteStorage s = AbsoluteStorage.inMemory(size);
        long ck = Math.max(8 * MIB, size / 4 / MIB * MIB);
        MachineConfig cfg = MachineConfig.of(size, cpus, Optional.of(new CrashkernelRange(ck, ck)));
        FirstKernel.BootResult r = FirstKernel.boot(s, cfg, Workload.MIXED, seed, NODENAME,
                new DeviceNumber(0, 0, 0x100));
        for (CpuState c : r.cpus()) {
            c.storeStatus(s, false);
        }
        // the system crashed when the dump started: the kernel wrote its crash time
        String vmcoreinfo = CrashVmcoreinfo.save(s, START).orElseThrow().text();
        return new System(s, r.cpus(), vmcoreinfo);
    }

    static S390DumpSettings settings(boolean compress) {
        return S390DumpSettings.defaults().withCompression(compress).withThreads(2).withFixedTod(START_TOD)
                .withCpuId(CPU_ID);
    }

    static void classicFile(MemorySource m, DumpMetadata md, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new ClassicS390DumpWriter(settings(false)).writeFile(m, md, ch);
        }
    }

    static void extFile(MemorySource m, DumpMetadata md, Path file, boolean compress) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            new S390ExtDumpWriter(settings(compress)).write(m, md, DumpBlockSink.of(ch, 1L << 20));
        }
    }

    static void elfFile(MemorySource m, DumpMetadata md, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(m, md, ch);
        }
    }

    /** A prepared single-volume 3390 with an s390_ext dump. */
    static void dasd(MemorySource m, DumpMetadata md, Path image, int cylinders, boolean compress) throws IOException {
        try (EckdDasd d = EckdDasd.create(image, cylinders, "DUMP01")) {
            DumpDevicePreparer.prepareDasd(d, DumpToolOptions.defaults());
            new S390ExtDumpWriter(settings(compress)).write(m, md, d.dumpPartition());
            d.flush();
        }
    }

    /** A prepared multi-volume set (images named {@code <devno>.3390}) with a dump. */
    static List<Path> multiVolume(MemorySource m, DumpMetadata md, Path dir, int volumes, int cylinders) throws IOException {
        List<Path> images = new ArrayList<>();
        List<EckdDasd> open = new ArrayList<>();
        try {
            List<DumpDevicePreparer.Volume> vols = new ArrayList<>();
            for (int i = 0; i < volumes; i++) {
                DeviceNumber n = new DeviceNumber(0, 0, 0x190 + i);
                Path img = dir.resolve(n + ".3390");
                images.add(img);
                EckdDasd d = EckdDasd.create(img, cylinders, String.format("MV%04d", i));
                open.add(d);
                vols.add(new DumpDevicePreparer.Volume(n, d));
            }
            MultiVolumeTable t = DumpDevicePreparer.prepareMultiVolume(vols, DumpToolOptions.defaults(), START);
            List<DumpBlockSink> sinks = new ArrayList<>();
            for (EckdDasd d : open) {
                sinks.add(d.dumpPartition());
            }
            new S390ExtDumpWriter(settings(false)).writeMultiVolume(m, md, sinks, t.timestamp());
        } finally {
            for (EckdDasd d : open) {
                d.close();
            }
        }
        return images;
    }

    /** A prepared AWS tape with a classic dump after the tool's file. */
    static void tape(MemorySource m, DumpMetadata md, Path image) throws IOException {
        TapeDrive.createVolume(image);
        try (TapeDrive t = new TapeDrive("0.0.0181")) {
            t.mount(image, TapeDrive.DEFAULT_CAPACITY, true);
            DumpDevicePreparer.prepareTape(t, DumpToolOptions.defaults());
            t.rewind();
            t.readBlock();
            new ClassicS390DumpWriter(settings(false)).writeTape(m, md, t);
        }
    }

    /** SHA-256 of each MiB of memory [0, limit), zeros where the source has no chunk. */
    static List<String> digests(MemorySource m, long limit) throws IOException {
        List<String> out = new ArrayList<>();
        byte[] b = new byte[(int) MIB];
        for (long a = 0; a < limit; a += MIB) {
            int n = (int) Math.min(MIB, limit - a);
            m.readFilled(a, b, 0, n);
            out.add(sha256(b, n));
        }
        return out;
    }

    static String sha256(byte[] b, int n) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(b, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
