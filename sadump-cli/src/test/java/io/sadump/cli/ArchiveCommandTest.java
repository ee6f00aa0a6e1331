package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveCommandTest {
    @TempDir
    Path dir;

    @Test
    void createVerifyExtract() throws IOException {
        Path f = DumpFiles.ext(dir, "dump.ext");
        Path a = dir.resolve("d.tar.gz");
        CliRun c = CliRun.of("archive", "create", f.toString(), "-o", a.toString(), "--format", "s390");
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(c.out()).contains("Archive: " + a + " (gzip,").contains("dump.s390").contains("SHA256SUMS");
        CliRun v = CliRun.of("archive", "verify", a.toString());
        assertThat(v.exit()).as(v.err()).isZero();
        assertThat(v.out()).contains("OK  dump.s390").contains("OK  info.json").contains("Signature: none");
        Path out = dir.resolve("out");
        CliRun x = CliRun.of("archive", "extract", a.toString(), "-o", out.toString());
        assertThat(x.exit()).as(x.err()).isZero();
        assertThat(out.resolve("dump.s390")).exists();
        CliRun i = CliRun.of("zgetdump", "-i", out.resolve("dump.s390").toString());
        assertThat(i.out()).contains("UTS node name......: " + DumpFiles.NODENAME);

        byte[] b = Files.readAllBytes(a);
        b[b.length / 2] ^= 0x10;
        Path bad = Files.write(dir.resolve("bad.tar.gz"), b);
        CliRun bv = CliRun.of("archive", "verify", bad.toString());
        assertThat(bv.exit()).isEqualTo(1);
        assertThat(bv.err()).startsWith("sadump archive verify: " + bad);
    }

    @Test
    void badOptions() throws IOException {
        Path f = DumpFiles.ext(dir, "dump.ext");
        assertThat(CliRun.of("archive", "create", f.toString(), "-o", dir.resolve("a.tar.zst").toString(), "--level",
                "40").exit()).isEqualTo(2);
        assertThat(CliRun.of("archive", "create", f.toString(), "-o", dir.resolve("a.tar.zst").toString(), "--sign",
                "k.pem").exit()).isEqualTo(2);
        assertThat(CliRun.of("archive", "create", f.toString(), "-o", dir.resolve("a.tar.zst").toString(),
                "--compress", "lz4").exit()).isEqualTo(2);
    }
}
