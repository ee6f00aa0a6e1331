package io.sadump.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validation recipes of docs/formats.md §11, as assertions, for every module whose
 * tests write device images: a CKD image goes to CCKD with {@code dasdcopy} (no HHC...E), {@code
 * cckdcdsk -3 -ro} finds nothing, and copied back it is byte-identical; an AWSTAPE image survives
 * {@code hetupd -d} byte for byte and {@code hetmap -t} lists its files; an image IPLs in a headless
 * Hercules. The Hercules utilities exit 0 on errors, so their messages are parsed.
 */
public final class HerculesChecks {
    private HerculesChecks() {}

    /** What the CKD recipe found: the messages that make it fail; empty when Hercules accepts the image. */
    public static List<String> ckdProblems(Path image, Path work) throws IOException {
        InteropTools.requireTools("dasdcopy", "cckdcdsk");
        Path t = Files.createTempDirectory(work, "vckd");
        Path cckd = t.resolve("c.cckd");
        Path back = t.resolve("r.ckd");
        List<String> problems = new ArrayList<>();
        InteropTools.Result r1 = InteropTools.run(t, "dasdcopy", "-q", "-0", image.toAbsolutePath().toString(), cckd.toString());
        problems.addAll(r1.lines("HHCDC00[0-9]E|HHCDU0[0-9][0-9]E|HHCDA0[0-9][0-9]E"));
        if (!problems.isEmpty()) {
            return problems;
        }
        InteropTools.Result r2 = InteropTools.run(t, "cckdcdsk", "-3", "-ro", cckd.toString());
        problems.addAll(r2.lines("HHCCU[0-9]+[WE]"));
        if (!problems.isEmpty()) {
            return problems;
        }
        InteropTools.Result r3 = InteropTools.run(t, "dasdcopy", "-q", "-o", "CKD", cckd.toString(), back.toString());
        if (r3.exitCode() != 0 || !r3.lines("HHC[A-Z]{2}[0-9]+E").isEmpty()) {
            problems.add("dasdcopy back to CKD failed: " + r3.output());
            return problems;
        }
        long mismatch = Files.mismatch(image, back);
        if (mismatch >= 0) {
            long track = (mismatch - 512) / 56832;
            problems.add("round trip through CCKD differs at byte " + mismatch + " (track " + track + ")");
        }
        deleteTree(t);
        return problems;
    }

    /** Asserts the CKD recipe passes. */
    public static void assertHerculesAcceptsCkd(Path image, Path work) throws IOException {
        assertThat(ckdProblems(image, work)).as("Hercules checks of %s", image).isEmpty();
    }

    /** One "File n: Blocks=..., block size min=..., max=..." line of hetmap -t. */
    public record TapeFile(int number, int blocks, int minSize, int maxSize) {}

    private static final Pattern HETMAP_FILE =
            Pattern.compile("^File (\\d+): Blocks=(\\d+), block size min=(\\d+), max=(\\d+)$", Pattern.MULTILINE);

    /** Runs hetupd -d + cmp and hetmap -t; asserts the round trip and returns hetmap's files. */
    public static List<TapeFile> assertHerculesAcceptsAws(Path image, Path work) throws IOException {
        InteropTools.requireTools("hetupd", "hetmap");
        Path t = Files.createTempDirectory(work, "vaws");
        Path back = t.resolve("r.aws");
        InteropTools.Result r1 = InteropTools.run(t, "hetupd", "-d", image.toAbsolutePath().toString(), back.toString());
        assertThat(r1.exitCode()).as("hetupd -d exit code; output: %s", r1.output()).isZero();
        assertThat(r1.lines("het_read\\(\\) returned")).as("hetupd messages").isEmpty();
        assertThat(Files.mismatch(image, back)).as("hetupd -d round trip of %s: first differing byte", image)
                .isEqualTo(-1L);
        InteropTools.Result r2 = InteropTools.run(t, "hetmap", "-t", image.toAbsolutePath().toString());
        assertThat(r2.lines("het_read\\(\\) returned")).as("hetmap messages: %s", r2.output()).isEmpty();
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

    /** What Hercules showed after an IPL: the PSW line and the whole log. */
    public record IplResult(String psw, boolean disabledWait, String log) {}

    private static final Pattern PSW = Pattern.compile("PSW=([0-9A-F]{8} [0-9A-F]{8})");

    /**
     * Boots Hercules headless with the device attached at {@code devno} (3390 or 3480), IPLs it and
     * displays the PSW (recipe of docs/formats.md §11).
     */
    public static IplResult ipl(Path image, String devno, String devtype, Path work) throws IOException {
        InteropTools.requireTools("hercules");
        Path t = Files.createTempDirectory(work, "herc");
        String cnf = "CPUSERIAL 000001\nMAINSIZE  16\nNUMCPU    1\nARCHMODE  z/Arch\n"
                + devno + " " + devtype + " " + image.toAbsolutePath() + "\n";
        Files.writeString(t.resolve("hc.cnf"), cnf);
        Files.writeString(t.resolve("hc.rc"), "ipl " + devno + "\npause 1\npsw\nquit\n");
        InteropTools.Result r = InteropTools.run(t, 120, Map.of("HERCULES_RC", t.resolve("hc.rc").toString()),
                "hercules", "-f", t.resolve("hc.cnf").toString(), "-d");
        String psw = null;
        Matcher m = PSW.matcher(r.output());
        while (m.find()) {
            psw = m.group(1);
        }
        boolean wait = r.output().contains("Disabled wait state");
        deleteTree(t);
        return new IplResult(psw, wait, r.output());
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
