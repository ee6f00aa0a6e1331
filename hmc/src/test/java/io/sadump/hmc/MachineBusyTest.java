package io.sadump.hmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sadump.ipl.LoadRequest;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import io.sadump.machine.MachineLockedException;
import io.sadump.machine.RunState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One task per machine at a time: two threads of one process, and two processes. */
class MachineBusyTest {
    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void machine() throws Exception {
        dir = TestMachines.copy(tmp.resolve("sys1"));
        HmcMachine.open(dir).stop(TaskContext.local(TaskObserver.NONE));
    }

    @Test
    void aSecondTaskInThisProcessIsRefusedWithTheHolderAndRunsAfterTheFirstEnds() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskObserver hold = new TaskObserver() {
            @Override
            public void message(String line) {
                holding.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void progress(long done, long total) {}
        };
        Instant before = Instant.now();
        CompletableFuture<?> load = CompletableFuture.runAsync(() -> {
            try {
                HmcMachine.open(dir).load(new LoadRequest(TestMachines.DASD, false, true, ""),
                        new TaskContext("alice", "web 127.0.0.1", hold));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();

        // a second browser session of the same server: another HmcMachine of the same directory
        MachineBusyException busy = catchThrowableOfType(MachineBusyException.class,
                () -> HmcMachine.open(dir).stop(new TaskContext("bob", "web 127.0.0.2", TaskObserver.NONE)));
        assertThat(busy.holder().user()).isEqualTo("alice");
        assertThat(busy.holder().task()).isEqualTo("load");
        assertThat(busy.holder().since()).isBetween(before, Instant.now());
        assertThat(busy).hasMessage("busy: load by alice since " + busy.holder().since());
        assertThat(HmcMachine.open(dir).busy()).contains(busy.holder());

        release.countDown();
        load.get(60, TimeUnit.SECONDS);
        assertThat(HmcMachine.open(dir).busy()).isEmpty();
        assertThat(HmcMachine.open(dir).stop(TaskContext.local(TaskObserver.NONE)).after()).isEqualTo(RunState.stopped());
    }

    @Test
    void aTaskOfAnotherProcessIsNamedByItsHolderNote() throws Exception {
        Process child = ChildTask.start("load", dir.toString(), "carol");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)); OutputStream in = child.getOutputStream()) {
            assertThat(out.readLine()).isEqualTo("HOLDING");
            // a reader is told who is busy too (the machine is half way through the load)
            MachineBusyException reading = catchThrowableOfType(MachineBusyException.class,
                    () -> HmcMachine.open(dir).status());
            assertThat(reading.holder().user()).isEqualTo("carol");
            MachineBusyException busy = catchThrowableOfType(MachineBusyException.class,
                    () -> HmcMachine.open(dir).reset(false, new TaskContext("dave", "api 10.0.0.1", TaskObserver.NONE)));
            assertThat(busy.holder().user()).isEqualTo("carol");
            assertThat(busy.holder().task()).isEqualTo("load");
            assertThat(busy.getMessage()).matches("busy: load by carol since \\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(HmcMachine.open(dir).busy()).contains(busy.holder());
            in.write('\n');
            in.flush();
            assertThat(out.readLine()).isEqualTo("DONE");
        } finally {
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isZero();
        assertThat(Files.exists(dir.resolve(TaskLock.NOTE))).isFalse();
        assertThat(HmcMachine.open(dir).busy()).isEmpty();
    }

    @Test
    void aLockWithoutAHolderNoteKeepsTheLocksOwnRefusal() throws Exception {
        // a non-HMC command of this process holds the lock (kexec load, dumpdev prepare)
        MachineDirectory m = MachineDirectory.open(dir);
        try (MachineLock lock = m.lock()) {
            assertThatThrownBy(() -> HmcMachine.open(dir).stop(TaskContext.local(TaskObserver.NONE)))
                    .isExactlyInstanceOf(MachineLockedException.class).hasMessageContaining("already locked by this process");
        }
        // a stale note (its pid does not hold the lock) is not believed
        Files.writeString(dir.resolve(TaskLock.NOTE), "pid = 1\nuser = ghost\ntask = load\nsince = 2026-01-01T00:00:00Z\n");
        assertThat(HmcMachine.open(dir).busy()).isEmpty();
        assertThat(HmcMachine.open(dir).start(TaskContext.local(TaskObserver.NONE)).after())
                .isEqualTo(RunState.operating());
    }
}
