package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console-log tailer of the HMC console: whole lines, no stamps, no line shown twice. */
class ConsoleLogTailerTest {
    @TempDir
    Path tmp;

    @Test
    void theLogTailerHandsOnWholeLinesWithoutStampsAndSkipsWhatACommandShowed() throws Exception {
        Path log = tmp.resolve("console.log");
        List<String> got = new ArrayList<>();
        ConsoleLogTailer tailer = new ConsoleLogTailer(log, got::add);
        Files.writeString(log, "2026-11-25T14:11:02.568030275Z first\n2026-11-25T14:11:02Z sec");
        tailer.poll();
        assertThat(got).containsExactly("first");
        Files.writeString(log, "ond\n", java.nio.file.StandardOpenOption.APPEND);
        tailer.pause();
        assertThat(got).containsExactly("first", "second");
        Files.writeString(log, "2026-11-25T14:11:03Z echoed\n2026-11-25T14:11:03Z in \"json\"\n"
                + "2026-11-25T14:11:03Z not shown yet\n", java.nio.file.StandardOpenOption.APPEND);
        tailer.poll();
        assertThat(got).hasSize(2);
        tailer.resume("echoed\n{\"messages\": [\"in \\\"json\\\"\"]}");
        assertThat(got).containsExactly("first", "second", "not shown yet");
    }

    @Test
    void aLogReplacedByAShorterOneIsFollowedFromItsEnd() throws Exception {
        Path log = tmp.resolve("console.log");
        Files.writeString(log, "2026-11-25T14:11:02Z one\n2026-11-25T14:11:02Z two\n");
        List<String> got = new ArrayList<>();
        ConsoleLogTailer tailer = new ConsoleLogTailer(log, got::add);
        Files.writeString(log, "x\n");
        tailer.poll();
        Files.writeString(log, "x\n2026-11-25T14:11:05Z three\n");
        tailer.poll();
        assertThat(got).containsExactly("three");
    }
}
