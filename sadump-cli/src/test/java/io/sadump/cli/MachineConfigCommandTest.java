package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.machine.CoreCollector;
import io.sadump.machine.MachineDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code machine create --core-collector} and {@code machine config}: the kdump core collector per machine. */
class MachineConfigCommandTest {
    @TempDir
    Path tmp;

    @Test
    void createSetsTheCollectorAndConfigShowsAndChangesIt() throws Exception {
        Path dir = tmp.resolve("sys");
        CliRun c = CliRun.of("machine", "create", dir.toString(), "--storage", "16M", "--workload", "zero",
                "--core-collector", "makedumpfile -c -d 31");
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(c.out()).contains("kdump core collector: 'makedumpfile -c -d 31': kdump-compressed, dump level 31,"
                + " zlib per page");
        assertThat(MachineDirectory.open(dir).config().coreCollector())
                .isEqualTo(CoreCollector.parse("makedumpfile -c -d 31"));
        assertThat(Files.readString(dir.resolve("machine.conf"))).contains("core_collector = makedumpfile -c -d 31\n");

        CliRun show = CliRun.of("machine", "config", dir.toString());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).isEqualTo(dir + ": core collector 'makedumpfile -c -d 31': kdump-compressed, dump"
                + " level 31, zlib per page\n");

        CliRun change = CliRun.of("machine", "config", dir.toString(), "--core-collector", "makedumpfile -z -d 17",
                "--json");
        assertThat(change.exit()).as(change.err()).isZero();
        @SuppressWarnings("unchecked")
        var json = (java.util.Map<String, Object>) MiniJson.parse(change.out());
        assertThat(json.get("changed")).isEqualTo(true);
        @SuppressWarnings("unchecked")
        var collector = (java.util.Map<String, Object>) json.get("core_collector");
        assertThat(collector).containsEntry("command", "makedumpfile -z -d 17").containsEntry("format", "kdump")
                .containsEntry("compression", "zstd");
        assertThat(((Number) collector.get("dump_level")).intValue()).isEqualTo(17);
        assertThat(MachineDirectory.open(dir).config().coreCollector().compression())
                .isEqualTo(CoreCollector.Compression.ZSTD);

        CliRun back = CliRun.of("machine", "config", dir.toString(), "--core-collector", "cp");
        assertThat(back.out()).contains("'cp': the whole ELF vmcore (changed)");
        assertThat(CliRun.of("machine", "show", dir.toString()).out()).contains("collector    'cp': the whole ELF vmcore");
    }

    @Test
    void aCollectorItCannotRunChangesNothing() throws Exception {
        Path dir = tmp.resolve("sys");
        assertThat(CliRun.of("machine", "create", dir.toString(), "--storage", "16M", "--workload", "zero").exit())
                .isZero();
        String before = Files.readString(dir.resolve("machine.conf"));
        CliRun r = CliRun.of("machine", "config", dir.toString(), "--core-collector", "makedumpfile -l -d 31");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("sadump machine config: makedumpfile -l (lzo) is not supported: use -c (zlib)"
                + " or -z (zstd)\n");
        assertThat(Files.readString(dir.resolve("machine.conf"))).isEqualTo(before);

        CliRun create = CliRun.of("machine", "create", tmp.resolve("other").toString(), "--core-collector", "gzip -9");
        assertThat(create.exit()).isEqualTo(2);
        assertThat(create.err()).isEqualTo("sadump machine create: unknown core collector 'gzip' (cp or makedumpfile)\n");
        assertThat(Files.exists(tmp.resolve("other"))).isFalse();
    }
}
