package io.sadump.cli;

import io.sadump.dump.TodClock;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.dump.s390.S390ExtDumpWriter;
import io.sadump.fixtures.FirstKernel;
import io.sadump.fixtures.Workload;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CpuState;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.channel.DumpBlockSink;
import io.sadump.meminfo.CrashVmcoreinfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/** Dumps of a first-kernel system for the zgetdump and archive command tests. */
final class DumpFiles {
    static final long MIB = 1L << 20;
    static final long SIZE = 16 * MIB;
    static final String NODENAME = "cli-node";
    static final Instant START = Instant.parse("2026-11-25T09:30:00Z");
    static final long CPU_ID = 0xFF00012320648000L;

    private DumpFiles() {}

    /** A booted system's memory and what its dumper records beside it. */
    record BootedSystem(AbsoluteStorage storage, MemorySource memory, DumpMetadata metadata) {}

    static BootedSystem system(long seed) {
        return system(seed, s -> { });
    }

    /** As {@link #system(long)}, with {@code change} applied to storage before it is dumped. */
    static BootedSystem system(long seed, java.util.function.Consumer<AbsoluteStorage> change) {
        AbsoluteStorage s = AbsoluteStorage.inMemory(SIZE);
        MachineConfig cfg = MachineConfig.of(SIZE, 2, Optional.of(new CrashkernelRange(8 * MIB, 4 * MIB)));
        FirstKernel.BootResult r = FirstKernel.boot(s, cfg, Workload.MIXED, seed, NODENAME, new DeviceNumber(0, 0, 0x100));
        for (CpuState c : r.cpus()) {
            c.storeStatus(s, false);
        }
        // the system crashed when the dump started: the kernel wrote its crash time
        String vmcoreinfo = CrashVmcoreinfo.save(s, START).orElseThrow().text();
        change.accept(s);
        return new BootedSystem(s, new StorageMemorySource(s), DumpMetadata.of(r.cpus(), Optional.of(vmcoreinfo)));
    }

    static S390DumpSettings settings() {
        return S390DumpSettings.defaults().withThreads(2).withFixedTod(TodClock.fromInstant(START)).withCpuId(CPU_ID);
    }

    static Path ext(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            BootedSystem sys = system(5);
            new S390ExtDumpWriter(settings()).write(sys.memory(), sys.metadata(), DumpBlockSink.of(ch, 1 << 16));
        }
        return f;
    }

    /**
     * A classic dump of a system whose kdump kernel ran: OLDMEM_BASE/SIZE (0x10418/0x10420) name the
     * crashkernel range, so the dump holds two systems and a conversion needs {@code --select}.
     */
    static Path classicWhileKdumpRan(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        BootedSystem sys = system(5);
        sys.storage().putU64(io.sadump.machine.Lowcore.OLDMEM_BASE, 8 * MIB);
        sys.storage().putU64(io.sadump.machine.Lowcore.OLDMEM_SIZE, 4 * MIB);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new ClassicS390DumpWriter(settings().withCompression(false)).writeFile(new StorageMemorySource(sys.storage()),
                    sys.metadata(), ch);
        }
        return f;
    }

    static Path classic(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            BootedSystem sys = system(5);
            new ClassicS390DumpWriter(settings().withCompression(false)).writeFile(sys.memory(), sys.metadata(), ch);
        }
        return f;
    }

    /**
     * A prepared multi-volume set of {@code volumes} 3390 images named {@code <devno>.3390} (0.0.0190
     * up) holding one s390_ext dump, as the multi-volume dumper writes it.
     */
    static java.util.List<Path> multiVolume(Path dir, int volumes, int cylinders) throws IOException {
        java.util.List<Path> images = new java.util.ArrayList<>();
        java.util.List<io.sadump.device.ckd.EckdDasd> open = new java.util.ArrayList<>();
        try {
            java.util.List<io.sadump.device.dumptool.DumpDevicePreparer.Volume> vols = new java.util.ArrayList<>();
            for (int i = 0; i < volumes; i++) {
                DeviceNumber n = new DeviceNumber(0, 0, 0x190 + i);
                Path img = dir.resolve(n + ".3390");
                images.add(img);
                io.sadump.device.ckd.EckdDasd d = io.sadump.device.ckd.EckdDasd.create(img, cylinders,
                        String.format("MV%04d", i));
                open.add(d);
                vols.add(new io.sadump.device.dumptool.DumpDevicePreparer.Volume(n, d));
            }
            io.sadump.device.dumptool.MultiVolumeTable t = io.sadump.device.dumptool.DumpDevicePreparer
                    .prepareMultiVolume(vols, io.sadump.device.dumptool.DumpToolOptions.defaults(), START);
            java.util.List<DumpBlockSink> sinks = new java.util.ArrayList<>();
            for (io.sadump.device.ckd.EckdDasd d : open) {
                sinks.add(d.dumpPartition());
            }
            BootedSystem sys = system(5);
            new S390ExtDumpWriter(settings().withCompression(false)).writeMultiVolume(sys.memory(), sys.metadata(),
                    sinks, t.timestamp());
        } finally {
            for (io.sadump.device.ckd.EckdDasd d : open) {
                d.close();
            }
        }
        return images;
    }

    /**
     * A 3390 image prepared as a single-volume dump device ({@code zipl -d}) by the preparer, holding an
     * s390_ext dump when {@code dump}, zlib-compressed when {@code compress}.
     */
    static Path dasd(Path dir, String name, boolean dump, boolean compress) throws IOException {
        Path img = dir.resolve(name);
        try (io.sadump.device.ckd.EckdDasd d = io.sadump.device.ckd.EckdDasd.create(img, 30, "DUMP01")) {
            io.sadump.device.dumptool.DumpDevicePreparer.prepareDasd(d,
                    io.sadump.device.dumptool.DumpToolOptions.defaults());
            if (dump) {
                BootedSystem sys = system(5);
                new S390ExtDumpWriter(settings().withCompression(compress)).write(sys.memory(), sys.metadata(),
                        d.dumpPartition());
            }
            d.flush();
        }
        return img;
    }

    /** An AWSTAPE image prepared as a dump tape, holding a classic dump after the dump tool's file. */
    static Path tape(Path dir, String name) throws IOException {
        Path img = dir.resolve(name);
        io.sadump.device.tape.TapeDrive.createVolume(img);
        try (io.sadump.device.tape.TapeDrive t = new io.sadump.device.tape.TapeDrive("0.0.0181")) {
            t.mount(img, io.sadump.device.tape.TapeDrive.DEFAULT_CAPACITY, true);
            io.sadump.device.dumptool.DumpDevicePreparer.prepareTape(t,
                    io.sadump.device.dumptool.DumpToolOptions.defaults());
            t.rewind();
            t.readBlock(); // past the dump tool's file, where the dumper starts writing
            BootedSystem sys = system(5);
            new ClassicS390DumpWriter(settings().withCompression(false)).writeTape(sys.memory(), sys.metadata(), t);
        }
        return img;
    }

    /** An ELF core of the same system, as the ELF writer writes it. */
    static Path elf(Path dir, String name) throws IOException {
        return elf(dir, name, s -> { });
    }

    /** As {@link #elf(Path, String)}, with {@code change} applied to storage before it is dumped. */
    static Path elf(Path dir, String name, java.util.function.Consumer<AbsoluteStorage> change) throws IOException {
        Path f = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            BootedSystem sys = system(5, change);
            new io.sadump.dump.elf.ElfCoreWriter(io.sadump.dump.elf.ElfCoreWriter.Options.defaults())
                    .write(sys.memory(), sys.metadata(), ch);
        }
        return f;
    }
}
