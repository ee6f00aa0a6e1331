package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.CoreCollector.Compression;
import io.sadump.machine.CoreCollector.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CoreCollectorTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // Debian kdump-tools' default MAKEDUMP_ARGS and RHEL's kdump.conf default
        "makedumpfile -c -d 31|MAKEDUMPFILE|31|ZLIB",
        "makedumpfile -z --message-level 7 -d 31|MAKEDUMPFILE|31|ZSTD",
        "makedumpfile -d 1|MAKEDUMPFILE|1|NONE",
        "makedumpfile -d17 -c|MAKEDUMPFILE|17|ZLIB",
        "makedumpfile --dump-level 0|MAKEDUMPFILE|0|NONE",
        "  makedumpfile   -c  |MAKEDUMPFILE|0|ZLIB",
        "cp|COPY|0|NONE",
        "cp --sparse=always /proc/vmcore|COPY|0|NONE",
    })
    void understandsWhatKdumpConfigurationsSay(String text, Kind kind, int level, Compression compression) {
        CoreCollector c = CoreCollector.parse(text);
        assertThat(c.kind()).isEqualTo(kind);
        assertThat(c.dumpLevel()).isEqualTo(level);
        assertThat(c.compression()).isEqualTo(compression);
        assertThat(c.commandLine()).isEqualTo(text.strip().replaceAll("\\s+", " "));
        assertThat(CoreCollector.parse(c.commandLine())).isEqualTo(c);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "makedumpfile -l -d 31|makedumpfile -l (lzo) is not supported: use -c (zlib) or -z (zstd)",
        "makedumpfile -p|makedumpfile -p (snappy) is not supported",
        "makedumpfile -c -z|one compression option, got -z after -c",
        "makedumpfile -d|makedumpfile -d needs a number",
        "makedumpfile -d 99|dump level must be 0..31, got 99",
        "makedumpfile -d x|dump level must be a number 0..31, got 'x'",
        "makedumpfile -E -d 31|makedumpfile -E is not supported in the core collector",
        "makedumpfile -F|makedumpfile -F is not supported in the core collector",
        "makedumpfile --mem-usage|makedumpfile option '--mem-usage' is not supported",
        "makedumpfile -c /proc/vmcore dump|takes no file names here ('/proc/vmcore')",
        "makedumpfile --message-level|--message-level needs a number",
        "cp -a|core collector 'cp' takes no '-a'",
        "scp|unknown core collector 'scp' (cp or makedumpfile)",
    })
    void refusesWhatItCannotDoWithTheReason(String text, String message) {
        assertThatThrownBy(() -> CoreCollector.parse(text)).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining(message);
    }

    @Test
    void anEmptyCommandIsRefused() {
        assertThatThrownBy(() -> CoreCollector.parse("   ")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("core collector is empty");
    }

    @Test
    void theDefaultCopiesTheWholeVmcore() {
        assertThat(CoreCollector.COPY.filters()).isFalse();
        assertThat(CoreCollector.parse("makedumpfile -c -d 31").filters()).isTrue();
        assertThat(MachineConfig.parse("storage = 64M\ncpus = 1\n").coreCollector()).isEqualTo(CoreCollector.COPY);
        assertThat(MachineConfig.of(64 << 20, 1, java.util.Optional.empty()).format()).doesNotContain("core_collector");
    }
}
