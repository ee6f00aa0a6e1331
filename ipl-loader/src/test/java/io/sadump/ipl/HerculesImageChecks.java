package io.sadump.ipl;

import static io.sadump.fixtures.InteropTools.requireTool;
import static io.sadump.fixtures.InteropTools.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hercules validation recipes of reference/hercules-devices.md §3.3 for images a dump has written,
 * as assertions: a CKD image goes to CCKD with {@code dasdcopy} (no HHC...E), {@code cckdcdsk -3 -ro}
 * finds nothing, and copied back it is byte-identical; an AWSTAPE image survives {@code hetupd -d}
 * byte for byte and {@code hetmap -t} lists its files. (A small copy of tape-dasd-writers' test
 * class HerculesChecks, which the test scope of that module does not export.) The Hercules utilities
 * exit 0 on errors, so their messages are parsed.
 */
final class HerculesImageChecks {
    private HerculesImageChecks() {}

    /** One "File n: Blocks=..., block size min=..., max=..." line of hetmap -t. */
    record TapeFile(int number, int blocks, int minSize, int maxSize) {}

    private static final Pattern HETMAP_FILE =
            Pattern.compile("^File (\\d+): Blocks=(\\d+), block size min=(\\d+), max=(\\d+)$", Pattern.MULTILINE);

    /** Asserts Hercules accepts the CKD image. */
    static void assertCkdAccepted(Path image, Path work) throws Exception {
        String dasdcopy = requireTool("dasdcopy");
        String cckdcdsk = requireTool("cckdcdsk");
        Path t = Files.createTempDirectory(work, "vckd");
        Path cckd = t.resolve("c.cckd");
        Path back = t.resolve("r.ckd");
        var r1 = run(t, dasdcopy, "-q", "-0", image.toAbsolutePath().toString(), cckd.toString());
        assertThat(lines(r1.output(), "HHCDC00[0-9]E|HHCDU0[0-9][0-9]E|HHCDA0[0-9][0-9]E"))
                .as("dasdcopy %s to CCKD: %s", image, r1.output()).isEmpty();
        var r2 = run(t, cckdcdsk, "-3", "-ro", cckd.toString());
        assertThat(lines(r2.output(), "HHCCU[0-9]+[WE]")).as("cckdcdsk -3 -ro of %s: %s", image, r2.output())
                .isEmpty();
        var r3 = run(t, dasdcopy, "-q", "-o", "CKD", cckd.toString(), back.toString());
        assertThat(r3.exitCode()).as("dasdcopy back to CKD: %s", r3.output()).isZero();
        assertThat(lines(r3.output(), "HHC[A-Z]{2}[0-9]+E")).as("dasdcopy back to CKD").isEmpty();
        assertThat(Files.mismatch(image, back)).as("round trip of %s through CCKD: first differing byte", image)
                .isEqualTo(-1L);
        deleteTree(t);
    }

    /** Runs hetupd -d + cmp and hetmap -t; asserts the round trip and returns hetmap's files. */
    static List<TapeFile> assertAwsAccepted(Path image, Path work) throws Exception {
        String hetupd = requireTool("hetupd");
        String hetmap = requireTool("hetmap");
        Path t = Files.createTempDirectory(work, "vaws");
        Path back = t.resolve("r.aws");
        var r1 = run(t, hetupd, "-d", image.toAbsolutePath().toString(), back.toString());
        assertThat(r1.exitCode()).as("hetupd -d exit code; output: %s", r1.output()).isZero();
        assertThat(lines(r1.output(), "het_read\\(\\) returned")).as("hetupd messages").isEmpty();
        assertThat(Files.mismatch(image, back)).as("hetupd -d round trip of %s: first differing byte", image)
                .isEqualTo(-1L);
        var r2 = run(t, hetmap, "-t", image.toAbsolutePath().toString());
        assertThat(lines(r2.output(), "het_read\\(\\) returned")).as("hetmap messages: %s", r2.output()).isEmpty();
        assertThat(r2.output()).as("hetmap -t output").contains("End of tape.");
        List<TapeFile> files = new ArrayList<>();
        Matcher m = HETMAP_FILE.matcher(r2.output());
        while (m.find()) {
            files.add(new TapeFile(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
        }
        deleteTree(t);
        return files;
    }

    static List<String> lines(String output, String regex) {
        Pattern p = Pattern.compile(regex);
        List<String> out = new ArrayList<>();
        for (String l : output.split("\n")) {
            if (p.matcher(l).find()) {
                out.add(l);
            }
        }
        return out;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
