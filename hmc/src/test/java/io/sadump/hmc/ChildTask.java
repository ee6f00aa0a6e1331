package io.sadump.hmc;

import io.sadump.ipl.LoadRequest;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Another process on a machine, for the tests: {@code load DIR USER} runs a load as USER that holds the
 * machine at its first console line until a line comes on stdin; {@code append DIR TEXT...} appends
 * console lines as a CLI command would. Prints {@code HOLDING} / {@code DONE} on stdout.
 */
public final class ChildTask {
    private ChildTask() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (args[0]) {
            case "load" -> {
                HmcMachine m = HmcMachine.open(dir);
                TaskObserver hold = new TaskObserver() {
                    boolean held;

                    @Override
                    public void message(String line) {
                        if (!held) {
                            held = true;
                            System.out.println("HOLDING");
                            System.out.flush();
                            try {
                                in.readLine();
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    }

                    @Override
                    public void progress(long done, long total) {}
                };
                m.load(new LoadRequest(TestMachines.DASD, false, true, ""), new TaskContext(args[2], "local", hold));
            }
            case "append" -> {
                MachineDirectory m = MachineDirectory.open(dir);
                try (MachineLock lock = m.lock()) {
                    m.appendConsole(lock, List.of(args).subList(2, args.length));
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("DONE");
        System.out.flush();
    }

    /** Starts {@code ChildTask args} in a new JVM with this test's class path. */
    static Process start(String... args) throws java.io.IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), ChildTask.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
