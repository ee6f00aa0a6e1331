package io.sadump.cli;

import io.sadump.ipl.KdumpKernel;
import io.sadump.machine.MachineDirectory;
import io.sadump.meminfo.SegmentDigests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training run of {@code ./sadump}'s class-data-sharing archive: the launcher records the classes
 * this process loads ({@code -XX:DumpLoadedClassList}) and dumps them, parsed and verified, into the
 * archive that every later command starts from. Classes that are not in the archive are loaded from
 * the jar and verified at each start, and the lambdas they use are spun again; for {@code archive create}
 * that was about 500 classes and 40 ms before its first byte was copied.
 *
 * <p>So the training runs, in this one process, the commands whose start-up counts: the help of every
 * command, and the dump path on a small machine in a temporary directory (create, kexec load, the
 * verdict, a kdump through the HMC, a conversion, {@code zgetdump -i} and an archive). Output is
 * dropped; a step that fails only leaves its classes out, and the run always ends with exit status 0:
 * the launcher then makes the archive from what was loaded.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) {
        SegmentDigests.warmUp(true);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sadump-cds-training");
            train(dir);
        } catch (IOException | RuntimeException e) {
            // fewer classes trained: the archive is made from what was loaded
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
        System.exit(0);
    }

    /**
     * Runs the training's commands in {@code dir} (empty), in this process.
     *
     * @return the commands that failed, each with its exit status (empty when all passed)
     */
    static List<String> train(Path dir) throws IOException {
        List<String> failed = new ArrayList<>();
        String m = dir.resolve("m").toString();
        String dump = dir.resolve("dump.s390").toString();
        run(failed, List.of("help"));
        run(failed, List.of("machine", "create", m, "--storage", "64M", "--dasd", "190:100"));
        run(failed, List.of("kexec", "load", m));
        run(failed, List.of("meminfo", m, "--json"));
        run(failed, List.of("dumpdev", "prepare", m, "190"));
        run(failed, List.of("hmc", m, "stop"));
        run(failed, List.of("hmc", m, "load", "0.0.0190", "--store-status", "--json"));
        Path vmcore = vmcore(dir.resolve("m"));
        if (vmcore == null) {
            failed.add("the kdump wrote no vmcore under " + m);
            return failed;
        }
        run(failed, List.of("zgetdump", vmcore.toString(), "-f", "s390", "-o", dump));
        run(failed, List.of("zgetdump", "-i", dump));
        run(failed, List.of("archive", "create", dump, "-o", dir.resolve("a.tar.zst").toString(), "--format", "asis",
                "--threads", "2"));
        return failed;
    }

    /** One command in this process, as {@code main} would run it (its own command line, output dropped). */
    private static void run(List<String> failed, List<String> args) {
        Map<String, String> environment = Map.of();
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        String[] a = args.toArray(String[]::new);
        int status;
        try {
            picocli.CommandLine cl = SadumpCommand.commandLineFor(a, environment);
            cl.setOut(none);
            cl.setErr(none);
            status = SadumpCommand.execute(cl, environment, a);
        } catch (RuntimeException e) {
            status = -1;
        }
        if (status != 0) {
            failed.add("sadump " + String.join(" ", args) + ": exit " + status);
        }
    }

    /** The vmcore the kdump wrote ({@code M/vmcore/DATE/vmcore}), or null. */
    private static Path vmcore(Path machine) throws IOException {
        Path root = MachineDirectory.open(machine).vmcoreDir();
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (var dates = Files.list(root)) {
            return dates.map(d -> d.resolve(KdumpKernel.VMCORE_FILE)).filter(Files::isRegularFile).findFirst()
                    .orElse(null);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
