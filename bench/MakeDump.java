// Writes a classic s390 dump of a booted first-kernel system (workload mixed): the input of
// bench/run's archive and zgetdump rows.
// Run: java -cp sadump-cli/target/sadump.jar bench/MakeDump.java OUT SIZE_MIB [SEED]
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.fixtures.FirstKernel;
import io.sadump.fixtures.Workload;
import io.sadump.machine.CpuState;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.StorageMemorySource;
import io.sadump.machine.output.ReplacementFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

public class MakeDump {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long size = Long.parseLong(args[1]) << 20;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        Path tmp = Files.createTempDirectory("sadump-bench");
        try (FileStorage s = FileStorage.create(tmp.resolve("storage.img"), tmp.resolve("frames"), size)) {
            long ck = 256L << 20;
            MachineConfig cfg = MachineConfig.of(size, 2, Optional.of(new CrashkernelRange(ck, ck)));
            FirstKernel.BootResult r = FirstKernel.boot(s, cfg, Workload.MIXED, seed, "bench",
                    new DeviceNumber(0, 0, 0x100));
            for (CpuState c : r.cpus()) {
                c.storeStatus(s, false);
            }
            // beside OUT and renamed over it when complete, as every sadump output is
            try (ReplacementFile f = ReplacementFile.create(out)) {
                new ClassicS390DumpWriter(S390DumpSettings.defaults().withCompression(false))
                        .writeFile(new StorageMemorySource(s),
                                DumpMetadata.of(r.cpus(), Optional.of(r.vmcoreinfo().text())), f.channel());
                f.commit();
            }
        } finally {
            try (var w = Files.walk(tmp)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
