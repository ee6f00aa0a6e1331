package io.sadump.cli;

import io.sadump.dump.DumpBlockSink;
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
import io.sadump.machine.MachineConfig;
import io.sadump.machine.MemorySource;
import io.sadump.machine.StorageMemorySource;
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

    static MemorySource system(long seed) {
        AbsoluteStorage s = AbsoluteStorage.inMemory(SIZE);
        MachineConfig cfg = MachineConfig.of(SIZE, 2, Optional.of(new CrashkernelRange(8 * MIB, 4 * MIB)));
        FirstKernel.BootResult r = FirstKernel.boot(s, cfg, Workload.MIXED, seed, NODENAME, new DeviceNumber(0, 0, 0x100));
        for (CpuState c : r.cpus()) {
            c.storeStatus(s, false);
        }
        return new StorageMemorySource(s, r.cpus(), Optional.of(r.vmcoreinfo().text()));
    }

    static S390DumpSettings settings() {
        return S390DumpSettings.defaults().withThreads(2).withFixedTod(TodClock.fromInstant(START)).withCpuId(CPU_ID);
    }

    static Path ext(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            new S390ExtDumpWriter(settings()).write(system(5), DumpBlockSink.of(ch, 1 << 16));
        }
        return f;
    }

    static Path classic(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new ClassicS390DumpWriter(settings().withCompression(false)).writeFile(system(5), ch);
        }
        return f;
    }
}
