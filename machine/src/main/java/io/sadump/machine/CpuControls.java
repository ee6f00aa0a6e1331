package io.sadump.machine;

import java.util.List;

/**
 * The HMC's recovery tasks that act on the CPUs without an IPL: stop all, start all, and the system
 * resets (normal and clear). Each takes the machine's lock from the caller, records the new {@link
 * RunState} and the CPUs, and writes one line to the console log, as the HMC logs the task it ran.
 *
 * <p>What z/Architecture says (Principles of Operation, "Resets" and "Manual operation"), and how
 * this model follows it:
 *
 * <ul>
 *   <li><b>stop</b>: an operating CPU (also one waiting, disabled or not) enters the stopped state at
 *       the end of its current unit of work; its PSW and registers stay, so a later start resumes them.
 *       A check-stopped CPU cannot be stopped: only a reset gets it out.
 *   <li><b>start</b> is effective only in the stopped state: the CPU resumes at its PSW. A stopped CPU
 *       whose PSW is a disabled wait goes back into that wait; one whose PSW is all zero (after a clear
 *       reset, or a machine nothing was ever IPLed on) has no program to run, so the model refuses
 *       instead of executing zeroed storage. Start in a disabled wait or check-stop does nothing on a
 *       real machine: the model refuses with the way out (load, reset).
 *   <li><b>reset normal</b> (CPU reset on every CPU, subsystem reset): the CPUs end stopped with their
 *       registers and PSW kept; storage is kept, so a dump after it still sees the system.
 *   <li><b>reset clear</b> (clear reset): storage is zeroed and every register reset, the CPUs end
 *       stopped; nothing is left to dump. This is what {@code load --clear} does before its IPL.
 * </ul>
 *
 * A reset is accepted in any state, as the HMC's Reset Normal and Reset Clear tasks are on an operating
 * image (they are disruptive; the HMC asks for a confirmation, which a command line has already given).
 * Hercules' {@code sysreset}/{@code sysclear} are stricter and reject running CPUs
 * (docs/architecture.md §8); the HMC is the model here.
 */
public final class CpuControls {
    private CpuControls() {}

    /**
     * What a task did.
     *
     * @param task {@code stop}, {@code start}, {@code reset normal}, {@code reset clear}
     * @param message the console line, also appended to the console log
     */
    public record Result(String task, RunState before, RunState after, String message) {}

    /**
     * Stops every CPU; PSW and registers stay. Stopping stopped CPUs changes nothing.
     *
     * @throws CpuStateException when the CPUs are check-stopped (only a reset helps)
     */
    public static Result stop(MachineDirectory machine, MachineLock lock) {
        RunState before = machine.runState();
        int n = machine.config().cpuCount();
        String message;
        switch (before.status()) {
            case STOPPED -> message = "HMC: stop: the CPUs are already stopped";
            case CHECK_STOP -> throw new CpuStateException("the CPUs of " + machine.path()
                    + " are check-stopped: stop has no effect; a reset (normal or clear) or a load clear recovers them");
            default -> {
                CpuState ipl = machine.cpus().get(0);
                message = String.format("HMC: stop: %d CPU%s stopped (%s before); CPU %d PSW %016X %016X kept", n,
                        n == 1 ? "" : "s", before.describe(), ipl.cpuAddress(), ipl.pswMask(), ipl.pswAddress());
            }
        }
        return record(machine, lock, "stop", before, RunState.stopped(), message);
    }

    /**
     * Starts the stopped CPUs at their PSW: a running system runs again, a disabled-wait PSW enters
     * that wait again. Starting operating CPUs changes nothing.
     *
     * @throws CpuStateException in a disabled wait or check-stop, or when the CPUs hold no program
     */
    public static Result start(MachineDirectory machine, MachineLock lock) {
        RunState before = machine.runState();
        switch (before.status()) {
            case OPERATING -> {
                return record(machine, lock, "start", before, before, "HMC: start: the CPUs are already operating");
            }
            case DISABLED_WAIT -> throw new CpuStateException(String.format("the CPUs of %s are in a disabled wait "
                    + "(code 0x%04X): start does nothing, no interruption can end that wait; load (IPL) a device, "
                    + "or reset", machine.path(), before.waitCode()));
            case CHECK_STOP -> throw new CpuStateException("the CPUs of " + machine.path() + " are check-stopped: "
                    + "start does nothing; a reset (normal or clear) or a load clear recovers them");
            default -> {
                // stopped: resume at the PSW
            }
        }
        CpuState ipl = machine.cpus().get(0);
        if (ipl.pswMask() == 0 && ipl.pswAddress() == 0) {
            throw new CpuStateException("the CPUs of " + machine.path() + " hold no program (all-zero PSW, as after "
                    + "a clear reset): start would run zeroed storage; load (IPL) a device instead");
        }
        RunState after = RunState.isDisabledWait(ipl.pswMask()) ? RunState.disabledWait((int) ipl.pswAddress())
                : RunState.operating();
        int n = machine.config().cpuCount();
        String message = String.format("HMC: start: %d CPU%s started at CPU %d PSW %016X %016X: %s", n,
                n == 1 ? "" : "s", ipl.cpuAddress(), ipl.pswMask(), ipl.pswAddress(), after.describe());
        return record(machine, lock, "start", before, after, message);
    }

    /**
     * System reset: normal keeps storage and registers, clear zeroes storage and resets every register.
     * The CPUs end stopped, in any state before.
     */
    public static Result reset(MachineDirectory machine, MachineLock lock, boolean clear) {
        RunState before = machine.runState();
        int n = machine.config().cpuCount();
        String message;
        if (clear) {
            try (FileStorage storage = machine.openStorage(lock)) {
                storage.clear();
            }
            List<CpuState> reset = machine.cpus().stream().map(c -> CpuState.reset(c.cpuAddress())).toList();
            machine.saveCpus(lock, reset);
            message = String.format("HMC: reset clear: storage zeroed (%s), %d CPU%s reset and stopped (%s before); "
                    + "no dump is possible", Sizes.format(machine.config().storageSize()), n, n == 1 ? "" : "s",
                    before.describe());
        } else {
            message = String.format("HMC: reset normal: %d CPU%s reset and stopped (%s before); storage and "
                    + "registers kept", n, n == 1 ? "" : "s", before.describe());
        }
        return record(machine, lock, clear ? "reset clear" : "reset normal", before, RunState.stopped(), message);
    }

    private static Result record(MachineDirectory machine, MachineLock lock, String task, RunState before,
            RunState after, String message) {
        machine.saveRunState(lock, after);
        machine.appendConsole(lock, List.of(message));
        return new Result(task, before, after, message);
    }
}
