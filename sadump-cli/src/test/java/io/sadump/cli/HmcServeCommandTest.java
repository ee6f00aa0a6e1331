package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sadump hmc serve}: what it refuses before it listens, in one line each; its help teaches the first user. */
class HmcServeCommandTest {
    @TempDir
    Path tmp;
    String dir;
    String state;

    @BeforeEach
    void machine() {
        dir = tmp.resolve("sys1").toString();
        state = tmp.resolve("state").toString();
        assertThat(CliRun.of("machine", "create", dir, "--storage", "32M", "--crashkernel", "none").exit()).isZero();
    }

    static void oneLine(CliRun r, int exit, String contains) {
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.err().strip()).startsWith("sadump hmc serve: ").contains(contains).doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void anotherAddressWithoutTlsIsRefused() {
        oneLine(CliRun.of("hmc", "serve", dir, "--state", state, "--bind", "0.0.0.0"), 2,
                "--bind 0.0.0.0 without TLS would send passwords in clear");
        oneLine(CliRun.of("hmc", "serve", dir, "--state", state, "--bind", "192.0.2.1", "--port", "0"), 2,
                "without TLS");
    }

    @Test
    void tlsOptionsGoTogetherAndUnreadableFilesAreNamed() throws Exception {
        Files.writeString(tmp.resolve("c.pem"), "not a certificate");
        oneLine(CliRun.of("hmc", "serve", dir, "--state", state, "--tls-cert", tmp.resolve("c.pem").toString()), 2,
                "--tls-cert and --tls-key go together");
        oneLine(CliRun.of("hmc", "serve", dir, "--state", state, "--tls-cert", tmp.resolve("c.pem").toString(),
                "--tls-key", tmp.resolve("k.pem").toString(), "--port", "0"), 2, "--tls-cert " + tmp.resolve("c.pem"));
    }

    @Test
    void aDirectoryThatHoldsNoMachineIsRefused() throws Exception {
        oneLine(CliRun.of("hmc", "serve", tmp.resolve("nope").toString(), "--state", state), 2, "no machine directory");
        Files.createDirectories(tmp.resolve("empty"));
        oneLine(CliRun.of("hmc", "serve", tmp.resolve("empty").toString(), "--state", state), 2,
                "neither a machine directory nor holds any");
        oneLine(CliRun.of("hmc", "serve", dir, "--state", state, "--port", "70000"), 2, "--port 70000");
    }

    @Test
    void theHelpTeachesHowToAddTheFirstUser() {
        CliRun h = CliRun.of("hmc", "serve", "--help");
        assertThat(h.exit()).isZero();
        assertThat(h.out()).contains("sadump hmc user add NAME --role operator").contains("--tls-cert")
                .contains("127.0.0.1").contains("Examples:");
    }
}
