package io.sadump.device.tape;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.interop.HerculesChecks;
import io.sadump.interop.HerculesChecks.TapeFile;
import io.sadump.interop.InteropTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AWS tapes sadump writes pass hetupd -d + cmp and hetmap -t shows their files (docs/formats.md §11). */
class TapeInteropTest {
    @TempDir
    Path dir;

    @Test
    void dumpShapedTapeIsAcceptedByTheHerculesTapeTools() throws Exception {
        Path img = dir.resolve("dump.aws");
        TapeDrive.createVolume(img);
        SplittableRandom rnd = new SplittableRandom(2024);
        try (TapeDrive t = new TapeDrive("0.0.0181")) {
            t.mount(img, 64L << 20, true);
            byte[] tool = new byte[4096];
            rnd.nextBytes(tool);
            t.writeBlock(tool); // file 1: the tool
            t.writeTapemark();
            byte[] hdr = new byte[4096];
            rnd.nextBytes(hdr);
            t.writeBlock(hdr); // file 2: header, 32 KiB memory blocks, end marker (docs/formats.md §2.2)
            for (int i = 0; i < 20; i++) {
                byte[] b = new byte[32768];
                rnd.nextBytes(b);
                t.writeBlock(b);
            }
            t.writeBlock(new byte[16]);
            t.writeTapemark();
            byte[] max = new byte[65535];
            rnd.nextBytes(max);
            t.writeBlock(max); // file 3: one maximal block
            t.writeTapemark();
        }
        List<TapeFile> files = HerculesChecks.assertHerculesAcceptsAws(img, dir);
        assertThat(files).startsWith(new TapeFile(1, 1, 4096, 4096), new TapeFile(2, 22, 16, 32768),
                new TapeFile(3, 1, 65535, 65535));
    }

    @Test
    void truncatedTapeIsRejectedByHetupdAndBySadump() throws Exception {
        Path img = dir.resolve("cut.aws");
        TapeDrive.createVolume(img);
        try (TapeDrive t = new TapeDrive("0.0.0181")) {
            t.mount(img, 1 << 20, true);
            t.writeBlock(new byte[5000]);
            t.writeBlock(new byte[5000]);
        }
        try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(img) - 1000);
        }
        InteropTools.requireTools("hetupd");
        InteropTools.Result r = InteropTools.run(dir, "hetupd", "-d", img.toString(), dir.resolve("r.aws").toString());
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        TapeDrive t = new TapeDrive("0.0.0181");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.mount(img, 1 << 20, false))
                .hasMessageContaining("chunk at offset 5006 is truncated");
    }
}
