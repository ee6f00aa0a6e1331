package io.sadump.campaign.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.InvalidValueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterConfigTest {
    @TempDir
    Path dir;

    private ClusterConfig read(String text) throws IOException {
        Path f = dir.resolve("cluster.properties");
        Files.writeString(f, text);
        return ClusterConfig.read(f);
    }

    @Test
    void aFullConfigurationReadsWithRangesExpanded() throws IOException {
        ClusterConfig c = read("""
                # three workers on this host, one elsewhere
                cluster-name=night-run
                members=127.0.0.1:5701-5703, 10.0.0.7:5801, build-host
                port=5711
                port-count=5
                interface=127.0.0.1
                wait-for-workers=5
                """);
        assertThat(c.clusterName()).isEqualTo("night-run");
        assertThat(c.members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703",
                "10.0.0.7:5801", "build-host:5711");
        assertThat(c.port()).isEqualTo(5711);
        assertThat(c.portCount()).isEqualTo(5);
        assertThat(c.bindInterface()).contains("127.0.0.1");
        assertThat(c.waitForWorkers()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void onlyTheMembersAreRequired() throws IOException {
        ClusterConfig c = read("members=127.0.0.1\n");
        assertThat(c).isEqualTo(new ClusterConfig(ClusterConfig.DEFAULT_NAME, List.of("127.0.0.1:5701"), 5701, 100,
                Optional.empty(), Duration.ofSeconds(60)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cluster-name=x|'members' is missing",
        "members=127.0.0.1:5703-5701|no valid port or port range",
        "members=127.0.0.1:70000|no valid port or port range",
        "members=127.0.0.1:1-2000|names 2000 ports; at most 256",
        "members=host name:5701|is not HOST, HOST:PORT or HOST:PORT-PORT",
        "members=,|names no member",
        "members=a\\nport=0|port must be a number from 1 to 65535, not '0'",
        "members=a\\nport-count=many|port-count must be a number from 1 to 65535, not 'many'",
        "members=a\\ncluster-name=a b|cluster-name 'a b' is not",
        "members=a\\nmulticast=true|unknown key 'multicast'",
    })
    void aBadConfigurationSaysWhatIsWrongAndWhere(String text, String message) {
        assertThatThrownBy(() -> read(text.replace("\\n", "\n"))).isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith(dir.resolve("cluster.properties").toString())
                .hasMessageContaining(message);
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> ClusterConfig.read(dir.resolve("none.properties")))
                .isInstanceOf(InvalidValueException.class).hasMessageContaining("none.properties does not exist");
    }
}
