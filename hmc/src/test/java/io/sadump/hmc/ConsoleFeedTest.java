package io.sadump.hmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.ipl.LoadRequest;
import io.sadump.machine.MachineDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console feed: every line once, numbered by its line in console.log, live from a task of this
 * process and from lines another process appends; progress for subscribers.
 */
class ConsoleFeedTest {
    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void machine() throws Exception {
        dir = TestMachines.copy(tmp.resolve("sys1"));
    }

    private List<String> logTexts() throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(MachineDirectory.CONSOLE_LOG), StandardCharsets.UTF_8)) {
            out.add(ConsoleFeed.parse(0, l).text());
        }
        return out;
    }

    /** The lines a subscriber got are the log's, numbered 1, 2, 3... with no gap and no repeat. */
    private void assertIsTheLog(List<ConsoleLine> got, long from) throws Exception {
        List<String> log = logTexts();
        assertThat(got).extracting(ConsoleLine::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(from + 1, log.size()).boxed().toList());
        assertThat(got).extracting(ConsoleLine::text).containsExactlyElementsOf(log.subList((int) from, log.size()));
    }

    @Test
    void aSubscriberGetsTheBacklogThenATasksLinesAsTheyComeOnceEachWithProgress() throws Exception {
        HmcMachine m = HmcMachine.open(dir);
        List<ConsoleLine> got = new CopyOnWriteArrayList<>();
        List<ConsoleFeed.TaskProgress> progress = new CopyOnWriteArrayList<>();
        List<String> observed = new ArrayList<>();
        long start = m.console().last();
        assertThat(start).as("the production system's boot is in the log").isPositive();
        try (AutoCloseable sub = m.console().listen(0, new ConsoleFeed.Listener() {
            @Override
            public void line(ConsoleLine line) {
                got.add(line);
            }

            @Override
            public void progress(ConsoleFeed.TaskProgress p) {
                progress.add(p);
            }
        })) {
            assertThat(got).hasSize((int) start);
            m.stop(TaskContext.local(TaskObserver.NONE));
            m.load(new LoadRequest(TestMachines.DASD, false, true, ""), new TaskContext("alice", "local",
                    new TaskObserver() {
                        @Override
                        public void message(String line) {
                            // the feed has the line before the task's observer hears of it
                            assertThat(got.get(got.size() - 1).text()).isEqualTo(line);
                            observed.add(line);
                        }

                        @Override
                        public void progress(long done, long total) {}
                    }));
            // lines a later poll finds again are not handed on twice
            Thread.sleep(2 * ConsoleFeed.POLL_MILLIS);
        }
        assertThat(observed).isNotEmpty();
        assertIsTheLog(got, 0);
        assertThat(progress).isNotEmpty().allSatisfy(p -> {
            assertThat(p.holder().user()).isEqualTo("alice");
            assertThat(p.holder().task()).isEqualTo("load");
            assertThat(p.done()).isBetween(0L, p.total());
        });
    }

    @Test
    void linesAnotherProcessAppendsArriveLiveAndSinceAnswersFromAnySeq() throws Exception {
        HmcMachine m = HmcMachine.open(dir);
        long start = m.console().last();
        List<ConsoleLine> got = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = m.console().subscribe(start, got::add)) {
            Process child = ChildTask.start("append", dir.toString(), "from another process 1",
                    "from another process 2");
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            m.stop(TaskContext.local(TaskObserver.NONE)); // and one of this process
            Thread.sleep(2 * ConsoleFeed.POLL_MILLIS);
        }
        assertThat(got).extracting(ConsoleLine::text).startsWith("from another process 1", "from another process 2");
        assertIsTheLog(got, start);
        assertThat(m.console().since(start)).isEqualTo(got);
        assertThat(m.console().since(start + 1)).isEqualTo(got.subList(1, got.size()));
        assertThat(m.console().since(0)).hasSize((int) start + got.size());
        assertThat(got.get(0).time()).isAfter(java.time.Instant.EPOCH);
    }

    @Test
    void oldLinesBeyondTheMemoryAreReadFromTheLog() throws Exception {
        HmcMachine m = HmcMachine.open(dir);
        long start = m.console().last();
        StringBuilder sb = new StringBuilder();
        int n = ConsoleFeed.RECENT + 100;
        for (int i = 0; i < n; i++) {
            sb.append("2026-12-02T12:00:00Z line ").append(i).append('\n');
        }
        Files.writeString(dir.resolve(MachineDirectory.CONSOLE_LOG), sb, java.nio.file.StandardOpenOption.APPEND);
        assertThat(m.console().last()).isEqualTo(start + n);
        List<ConsoleLine> all = m.console().since(start);
        assertThat(all).hasSize(n);
        assertThat(all.get(0)).isEqualTo(new ConsoleLine(start + 1, java.time.Instant.parse("2026-12-02T12:00:00Z"),
                "line 0"));
        assertThat(all.get(n - 1).text()).isEqualTo("line " + (n - 1));
        // a line still being written waits for its newline
        Files.writeString(dir.resolve(MachineDirectory.CONSOLE_LOG), "2026-12-02T12:00:01Z half",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(m.console().last()).isEqualTo(start + n);
        Files.writeString(dir.resolve(MachineDirectory.CONSOLE_LOG), " done\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(m.console().since(start + n)).extracting(ConsoleLine::text).containsExactly("half done");
    }
}
