package io.sadump.cli;

import io.sadump.dump.DumpProgressListener;
import io.sadump.fixtures.ProductionState;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.ipl.ConsoleListener;
import io.sadump.ipl.VmcoreWriter;
import io.sadump.ipl.IplLoader;
import io.sadump.ipl.KdumpKernel;
import io.sadump.ipl.LoadOutcome;
import io.sadump.ipl.MachineLoadDevices;
import io.sadump.ipl.ProductionReboot;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineChange;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One changing HMC task on a machine directory: takes the machine's lock, opens storage, runs the IPL
 * model with the production system's reboot as the re-IPL, shows the console lines as they come (and a
 * progress bar on a terminal), appends them to the machine's console log in order, and saves the CPUs.
 */
final class HmcSession {
    /** What to run on the loader. */
    interface Task {
        LoadOutcome run(IplLoader loader, ConsoleListener console) throws IOException;
    }

    /** Called when the dump starts, with storage as the dump will hold it. */
    interface DumpStartHook {
        void dumpStarting(AbsoluteStorage storage);
    }

    private final MachineDirectory machine;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean echo;
    private final boolean bar;
    private DumpStartHook hook = s -> {};

    /**
     * @param echo print every console line on {@code out} as it comes
     * @param bar draw a progress bar on {@code err}
     */
    HmcSession(MachineDirectory machine, PrintWriter out, PrintWriter err, boolean echo, boolean bar) {
        this.machine = machine;
        this.out = out;
        this.err = err;
        this.echo = echo;
        this.bar = bar;
    }

    HmcSession onDumpStart(DumpStartHook h) {
        this.hook = h;
        return this;
    }

    /**
     * Runs {@code task} as one journaled change of the machine ({@code what} names it): a kill at any
     * point is undone by the next command, so storage is never left half swapped or half rebooted.
     */
    LoadOutcome run(String what, Task task) throws IOException {
        try (ShutdownDeferral deferral = new ShutdownDeferral(err); MachineLock lock = machine.lock();
                MachineChange change = machine.beginChange(lock, what, List.of(ProductionState.FILE), null)) {
            List<String> pending = new ArrayList<>();
            FileStorage storage = machine.openStorage(lock);
            try {
                Optional<ProductionReboot> reboot = ProductionSystem.stateOf(machine).map(state -> (ipib, console) -> {
                    // the log keeps the order: the dumper's lines, then the boot's
                    flush(lock, pending);
                    storage.close();
                    ProductionSystem.open(machine).reboot(lock);
                    return machine.cpus();
                });
                Progress progress = new Progress();
                IplLoader loader = new IplLoader(storage, machine.config(), machine.cpus(), machine.runState(),
                        new MachineLoadDevices(machine, lock),
                        new KdumpKernel(machine.vmcoreDir(), VmcoreWriter.of(machine.config().coreCollector(), progress),
                                Clock.systemUTC()),
                        reboot, Clock.systemUTC());
                LoadOutcome o = task.run(loader, new ConsoleListener() {
                    @Override
                    public void message(String line) {
                        progress.clear();
                        pending.add(line);
                        if (echo) {
                            out.println(line);
                            out.flush();
                        }
                    }

                    @Override
                    public void progress(long done, long total) {
                        progress.progress(done, total, 0);
                    }

                    @Override
                    public void dumpStarting(AbsoluteStorage s) {
                        hook.dumpStarting(s);
                    }
                });
                progress.clear();
                machine.saveCpus(lock, o.cpus());
                machine.saveRunState(lock, o.runState());
                flush(lock, pending);
                storage.close();
                change.commit();
                return o;
            } finally {
                storage.close();
            }
        }
    }

    private void flush(MachineLock lock, List<String> pending) {
        if (!pending.isEmpty()) {
            machine.appendConsole(lock, List.copyOf(pending));
            pending.clear();
        }
    }

    /** A one-line bar on the terminal; nothing when not on a terminal. */
    private final class Progress implements DumpProgressListener {
        long lastDraw;
        boolean drawn;

        @Override
        public void progress(long done, long total, long fileBytes) {
            if (!bar || total <= 0) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastDraw < 100_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            int width = 40;
            int filled = (int) (width * Math.min(1.0, (double) done / total));
            err.printf("\r[%s%s] %5d / %d MiB", "#".repeat(filled), " ".repeat(width - filled), done >> 20,
                    total >> 20);
            err.flush();
            drawn = true;
        }

        void clear() {
            if (drawn) {
                err.print("\r" + " ".repeat(72) + "\r");
                err.flush();
                drawn = false;
            }
        }
    }
}
