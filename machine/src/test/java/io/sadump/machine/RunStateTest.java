package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RunState}: the PSW bits, derivation, the file format, and {@link CpuControls}' transitions. */
class RunStateTest {
    /** The dumper's disabled wait PSW mask (wait, EA, BA; no interruptions). */
    private static final long DISABLED_WAIT_MASK = 0x0002_0001_8000_0000L;
    /** A running Linux kernel's PSW mask: DAT, I/O, external, machine check, home space, 64-bit. */
    private static final long RUNNING_MASK = 0x0704_C001_8000_0000L;
    /** An enabled wait (the idle loop): running mask plus the wait bit. */
    private static final long ENABLED_WAIT_MASK = RUNNING_MASK | 0x0002_0000_0000_0000L;

    @TempDir
    Path tmp;

    @Test
    void pswBitsAreThePrinciplesOfOperationBitNumbers() {
        assertThat(RunState.PSW_IO_MASK).isEqualTo(0x0200_0000_0000_0000L);
        assertThat(RunState.PSW_EXTERNAL_MASK).isEqualTo(0x0100_0000_0000_0000L);
        assertThat(RunState.PSW_MACHINE_CHECK_MASK).isEqualTo(0x0004_0000_0000_0000L);
        assertThat(RunState.PSW_WAIT).isEqualTo(0x0002_0000_0000_0000L);
        assertThat(RunState.isDisabledWait(DISABLED_WAIT_MASK)).isTrue();
        // Hercules' ESA/390 disabled wait 000A0000 00000BAD (docs/formats.md §4.1)
        assertThat(RunState.isDisabledWait(0x000A_0000_0000_0000L)).isTrue();
        assertThat(RunState.isDisabledWait(ENABLED_WAIT_MASK)).isFalse();
        assertThat(RunState.isDisabledWait(RUNNING_MASK)).isFalse();
        assertThat(RunState.isDisabledWait(DISABLED_WAIT_MASK | RunState.PSW_IO_MASK)).isFalse();
    }

    @Test
    void deriveReadsTheIplCpusPsw() {
        assertThat(RunState.derive(List.of(CpuState.reset(0)))).isEqualTo(RunState.stopped());
        assertThat(RunState.derive(List.of(CpuState.reset(0).withPsw(RUNNING_MASK, 0x1DCDE), CpuState.reset(1))))
                .isEqualTo(RunState.operating());
        assertThat(RunState.derive(List.of(CpuState.reset(0).withPsw(ENABLED_WAIT_MASK, 0x1000))))
                .isEqualTo(RunState.operating());
        assertThat(RunState.derive(List.of(CpuState.reset(0).withPsw(DISABLED_WAIT_MASK, 0x4533))))
                .isEqualTo(RunState.disabledWait(0x4533));
        assertThat(RunState.derive(List.of())).isEqualTo(RunState.stopped());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void formatParseRoundTrips(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 200; i++) {
            RunState s = switch (r.nextInt(4)) {
                case 0 -> RunState.operating();
                case 1 -> RunState.stopped();
                case 2 -> RunState.checkStop();
                default -> RunState.disabledWait(r.nextInt());
            };
            assertThat(RunState.parse(s.format())).as("seed %d: %s", seed, s).isEqualTo(s);
        }
        assertThat(RunState.disabledWait(0x4533).format()).endsWith("state = disabled-wait 0x4533\n");
        assertThat(RunState.disabledWait(0x4533).describe()).isEqualTo("disabled wait, code 0x4533");
    }

    @Test
    void parseNamesWhatIsWrong() {
        assertThatThrownBy(() -> RunState.parse("# nothing\n")).hasMessageContaining("no 'state = ...' line");
        assertThatThrownBy(() -> RunState.parse("state = running\n")).hasMessageContaining("line 1")
                .hasMessageContaining("unknown run state 'running'");
        assertThatThrownBy(() -> RunState.parse("state = disabled-wait\n")).hasMessageContaining("needs its code");
        assertThatThrownBy(() -> RunState.parse("state = disabled-wait 0xZZ\n")).hasMessageContaining("not a hex");
        assertThatThrownBy(() -> RunState.parse("state = disabled-wait 0x100000000\n")).hasMessageContaining("32 bits");
        assertThatThrownBy(() -> RunState.parse("state = stopped 0x1\n")).hasMessageContaining("takes no code");
        assertThatThrownBy(() -> RunState.parse("state = stopped\nstate = stopped\n")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> new RunState(RunState.Status.STOPPED, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    private MachineDirectory machine(List<CpuState> cpus) {
        return MachineDirectory.create(tmp.resolve("m"), MachineConfig.of(16 * Sizes.MIB, cpus.size(),
                Optional.empty()), cpus);
    }

    private static List<CpuState> running(int n) {
        List<CpuState> cpus = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cpus.add(CpuState.reset(i).withPrefix(0x20000L + 0x2000L * i).withPsw(RUNNING_MASK, 0x1DCDE + i));
        }
        return cpus;
    }

    @Test
    void aDirectoryWithoutRunStateDerivesItAndSavingPersists() throws Exception {
        MachineDirectory m = machine(running(2));
        assertThat(m.runState()).isEqualTo(RunState.operating());
        Files.delete(m.path().resolve(MachineDirectory.RUN_STATE)); // a directory made before the file
        assertThat(MachineDirectory.open(m.path()).runState()).isEqualTo(RunState.operating());
        try (MachineLock lock = m.lock()) {
            m.saveRunState(lock, RunState.disabledWait(0x4600));
        }
        assertThat(MachineDirectory.open(m.path()).runState()).isEqualTo(RunState.disabledWait(0x4600));
        Files.writeString(m.path().resolve(MachineDirectory.RUN_STATE), "state = bogus\n");
        assertThatThrownBy(() -> MachineDirectory.open(m.path()).runState()).isInstanceOf(MachineException.class)
                .hasMessageContaining("run.state").hasMessageContaining("bogus");
        assertThatThrownBy(() -> m.saveRunState(null, RunState.stopped())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMachineOfResetCpusStartsStopped() {
        MachineDirectory m = machine(List.of(CpuState.reset(0)));
        assertThat(m.runState()).isEqualTo(RunState.stopped());
    }

    @Test
    void stopAndStartKeepTheRegistersAndLogOneLineEach() {
        List<CpuState> cpus = running(2);
        MachineDirectory m = machine(cpus);
        try (MachineLock lock = m.lock()) {
            CpuControls.Result stop = CpuControls.stop(m, lock);
            assertThat(stop.before()).isEqualTo(RunState.operating());
            assertThat(stop.after()).isEqualTo(RunState.stopped());
            assertThat(stop.message()).isEqualTo("HMC: stop: 2 CPUs stopped (operating before); CPU 0 PSW "
                    + "0704C00180000000 000000000001DCDE kept");
            assertThat(m.runState()).isEqualTo(RunState.stopped());
            assertThat(m.cpus()).isEqualTo(cpus);
            assertThat(CpuControls.stop(m, lock).message()).isEqualTo("HMC: stop: the CPUs are already stopped");
            CpuControls.Result start = CpuControls.start(m, lock);
            assertThat(start.after()).isEqualTo(RunState.operating());
            assertThat(m.cpus()).isEqualTo(cpus);
            assertThat(CpuControls.start(m, lock).after()).isEqualTo(RunState.operating());
        }
        assertThat(m.console()).hasSize(4).allMatch(l -> l.contains(" HMC: st"));
    }

    @Test
    void startIsRefusedInADisabledWaitAndCheckStopAndWithoutAProgram() {
        List<CpuState> cpus = new ArrayList<>(running(1));
        cpus.set(0, cpus.get(0).withPsw(DISABLED_WAIT_MASK, 0x4600));
        MachineDirectory m = machine(cpus);
        try (MachineLock lock = m.lock()) {
            assertThat(m.runState()).isEqualTo(RunState.disabledWait(0x4600));
            assertThatThrownBy(() -> CpuControls.start(m, lock)).isInstanceOf(CpuStateException.class)
                    .hasMessageContaining("disabled wait (code 0x4600): start does nothing");
            assertThat(m.runState()).isEqualTo(RunState.disabledWait(0x4600));
            // stopped out of the wait, start resumes the wait PSW
            CpuControls.stop(m, lock);
            assertThat(CpuControls.start(m, lock).after()).isEqualTo(RunState.disabledWait(0x4600));

            m.saveRunState(lock, RunState.checkStop());
            assertThatThrownBy(() -> CpuControls.start(m, lock)).isInstanceOf(CpuStateException.class)
                    .hasMessageContaining("check-stopped");
            assertThatThrownBy(() -> CpuControls.stop(m, lock)).isInstanceOf(CpuStateException.class)
                    .hasMessageContaining("stop has no effect");
            assertThat(m.runState()).isEqualTo(RunState.checkStop());
            // a reset recovers a check-stop
            assertThat(CpuControls.reset(m, lock, false).after()).isEqualTo(RunState.stopped());

            CpuControls.reset(m, lock, true);
            assertThatThrownBy(() -> CpuControls.start(m, lock)).isInstanceOf(CpuStateException.class)
                    .hasMessageContaining("hold no program");
            assertThat(m.runState()).isEqualTo(RunState.stopped());
        }
    }

    @Test
    void resetNormalKeepsStorageAndRegistersResetClearZeroesBoth() {
        List<CpuState> cpus = running(2);
        MachineDirectory m = machine(cpus);
        try (MachineLock lock = m.lock()) {
            try (FileStorage s = m.openStorage(lock)) {
                s.putU64(0x10000, 0x1122_3344_5566_7788L);
                s.putU64(15 * Sizes.MIB, 42);
            }
            CpuControls.Result normal = CpuControls.reset(m, lock, false);
            assertThat(normal.task()).isEqualTo("reset normal");
            assertThat(normal.after()).isEqualTo(RunState.stopped());
            assertThat(m.cpus()).isEqualTo(cpus);
            try (FileStorage s = m.openStorage()) {
                assertThat(s.u64(0x10000)).isEqualTo(0x1122_3344_5566_7788L);
            }
            CpuControls.Result clear = CpuControls.reset(m, lock, true);
            assertThat(clear.message()).isEqualTo("HMC: reset clear: storage zeroed (16M), 2 CPUs reset and stopped "
                    + "(stopped before); no dump is possible");
            assertThat(m.cpus()).containsExactly(CpuState.reset(0), CpuState.reset(1));
            try (FileStorage s = m.openStorage()) {
                assertThat(s.u64(0x10000)).isZero();
                assertThat(s.u64(15 * Sizes.MIB)).isZero();
                assertThat(s.writtenFrames().nextWritten(0)).isLessThan(0);
            }
        }
    }
}
