package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden outputs from the vectors of docs/abi.md §1.1. */
class CksmCommandTest {
    @TempDir
    Path tmp;

    @Test
    void goldenVectors() throws Exception {
        Path note = Files.writeString(tmp.resolve("vmcoreinfo.txt"), "OSRELEASE=6.1.0\nPAGESIZE=4096\n",
                StandardCharsets.US_ASCII);
        Path eleven = Files.write(tmp.resolve("eleven.bin"), HexFormat.of().parseHex("000102030405060708090a"));
        Path ones = Files.write(tmp.resolve("ones.bin"), HexFormat.of().parseHex("ffffffff"));
        Path empty = Files.write(tmp.resolve("empty.bin"), new byte[0]);
        CliRun r = CliRun.of("cksm", note.toString(), eleven.toString(), ones.toString(), empty.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(
                "0x28CCCB95  " + note + "\n"
                + "0x0C0F120A  " + eleven + "\n"
                + "0xFFFFFFFF  " + ones + "\n"
                + "0x00000000  " + empty + "\n");
    }

    @Test
    void dashReadsStandardInput() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(HexFormat.of().parseHex("ffffffff00000002")));
            CliRun r = CliRun.of("cksm", "-");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).isEqualTo("0x00000002  -\n");
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void missingFileIsOneLineAndTheOthersArePrinted() throws Exception {
        Path ok = Files.write(tmp.resolve("ok.bin"), HexFormat.of().parseHex("8000000080000000"));
        Path missing = tmp.resolve("missing.bin");
        CliRun r = CliRun.of("cksm", missing.toString(), ok.toString(), tmp.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("0x00000001  " + ok + "\n");
        assertThat(r.err()).isEqualTo("sadump cksm: no such file: " + missing + "\n"
                + "sadump cksm: " + tmp + " is a directory\n");
    }

    @Test
    void noFileIsAUsageError() {
        CliRun r = CliRun.of("cksm");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("FILE");
    }

    @Test
    void largerThanOneChunk() throws Exception {
        // 3 MiB + 3 bytes of 0x01: words 0x01010101 (786432 of them) plus the padded 0x01010100.
        byte[] b = new byte[(3 << 20) + 3];
        java.util.Arrays.fill(b, (byte) 1);
        Path f = Files.write(tmp.resolve("big.bin"), b);
        long t = 786432L * 0x01010101L + 0x01010100L;
        long expected = 1 + ((t - 1) % 0xFFFFFFFFL); // closed form of docs/abi.md §1.1
        CliRun r = CliRun.of("cksm", f.toString());
        assertThat(r.out()).isEqualTo(String.format("0x%08X  %s%n", expected, f));
    }
}
