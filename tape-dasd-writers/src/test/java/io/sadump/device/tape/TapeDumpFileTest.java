package io.sadump.device.tape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.device.DeviceException;
import io.sadump.device.ImageFormatException;
import io.sadump.device.NotReadyException;
import io.sadump.machine.channel.DumpDeviceFullException;
import io.sadump.machine.channel.TapeBlockSink;
import io.sadump.machine.channel.TapeBlockSource;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tape drive on the dump's side: it is the tape writer's {@link TapeBlockSink}, and a mounted tape
 * (or an AWSTAPE file mounted read-only) gives the dump file as a {@link TapeBlockSource}.
 */
class TapeDumpFileTest {
    /** A stand-in for the s390 dump header test: a block that starts with "DUMP". */
    static final Predicate<byte[]> STARTS_DUMP = b -> b.length >= 4 && b[0] == 'D' && b[1] == 'U' && b[2] == 'M'
            && b[3] == 'P';

    @TempDir
    Path dir;

    /** Block {@code i} of the dump file: "DUMP" for 0, else {@code i} in its first 8 bytes, of varying length. */
    static byte[] block(long i) {
        byte[] b = new byte[16 + (int) (i % 50)];
        if (i == 0) {
            b[0] = 'D';
            b[1] = 'U';
            b[2] = 'M';
            b[3] = 'P';
        } else {
            ByteBuffer.wrap(b).putLong(i);
        }
        return b;
    }

    /** A drive with a new, blank volume {@code file} mounted for writing. */
    static TapeDrive mountNew(Path file, long capacity) throws Exception {
        TapeDrive.createVolume(file);
        TapeDrive t = new TapeDrive("0.0.0181");
        t.mount(file, capacity, true);
        return t;
    }

    /** A tape: optionally a tool block and its tape mark, then {@code blocks} dump blocks and a tape mark. */
    Path tape(String name, boolean withTool, long blocks) throws Exception {
        Path p = dir.resolve(name);
        try (TapeDrive t = mountNew(p, TapeDrive.DEFAULT_CAPACITY)) {
            TapeBlockSink sink = t;
            if (withTool) {
                sink.writeBlock(new byte[100], 0, 100);
                sink.writeTapemark();
            }
            for (long i = 0; i < blocks; i++) {
                byte[] b = block(i);
                sink.writeBlock(b, 0, b.length);
            }
            sink.writeTapemark();
            sink.flush();
        }
        return p;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 99, 2026})
    void blockZeroIsTheDumpHeaderAndSeeksGoAnywhere(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        long blocks = 3 * TapeDumpFile.CHECKPOINT_EVERY + r.nextInt(200);
        Path p = tape("t.aws", r.nextBoolean(), blocks);
        try (TapeDumpFile f = TapeDrive.mountDumpFile(p, "t.aws", STARTS_DUMP)) {
            byte[] dst = new byte[80];
            for (int i = 0; i < 300; i++) {
                long target = r.nextLong(blocks + 3);
                f.seekBlock(target);
                int n = f.readBlock(dst);
                String at = "seed " + seed + ", block " + target + " of " + blocks;
                if (target < blocks) {
                    byte[] want = block(target);
                    assertThat(n).as(at).isEqualTo(want.length);
                    assertThat(Arrays.copyOf(dst, n)).as(at).isEqualTo(want);
                } else if (target == blocks) {
                    assertThat(n).as(at).isEqualTo(TapeBlockSource.TAPEMARK);
                } else {
                    assertThat(n).as(at).isEqualTo(TapeBlockSource.END_OF_DATA);
                }
            }
            // a few positions per 256 blocks, however the file was read
            assertThat(f.checkpointCount()).isLessThanOrEqualTo((int) (blocks / TapeDumpFile.CHECKPOINT_EVERY) + 2);
        }
    }

    @Test
    void aLongBlockIsTruncatedToTheBufferButReportsItsLength() throws Exception {
        Path p = tape("t.aws", true, 5);
        try (TapeDumpFile f = TapeDrive.mountDumpFile(p, "t.aws", STARTS_DUMP)) {
            f.seekBlock(3);
            byte[] small = new byte[4];
            assertThat(f.readBlock(small)).isEqualTo(block(3).length);
            assertThat(small).isEqualTo(Arrays.copyOf(block(3), 4));
            assertThat(f.readBlock(new byte[100])).isEqualTo(block(4).length); // the next block follows
        }
    }

    @Test
    void aTapeWithoutATapeMarkAfterTheToolHasNoDumpFile() throws Exception {
        Path p = dir.resolve("tool-only.aws");
        try (TapeDrive t = mountNew(p, TapeDrive.DEFAULT_CAPACITY)) {
            t.writeBlock(new byte[100]);
        }
        assertThatThrownBy(() -> TapeDrive.mountDumpFile(p, p.toString(), STARTS_DUMP))
                .isInstanceOf(DeviceException.class).hasMessageContaining("no valid dump found on tape");
    }

    @Test
    void aDamagedChainIsAnImageFormatError() throws Exception {
        Path p = tape("t.aws", true, 3);
        byte[] bytes = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> TapeDrive.mountDumpFile(p, "t.aws", STARTS_DUMP))
                .isInstanceOf(ImageFormatException.class);
    }

    @Test
    void theMountedFileOwnsItsDriveAndTheDrivesFileDoesNot() throws Exception {
        Path p = tape("t.aws", true, 3);
        TapeDumpFile owned = TapeDrive.mountDumpFile(p, "t.aws", STARTS_DUMP);
        TapeDrive drive = owned.drive();
        assertThat(drive.isMounted()).isTrue();
        owned.close();
        assertThat(drive.isMounted()).isFalse();
        assertThatThrownBy(() -> owned.readBlock(new byte[10])).isInstanceOf(NotReadyException.class);

        try (TapeDrive t = new TapeDrive("0.0.0181")) {
            t.mount(p, TapeDrive.DEFAULT_CAPACITY, false);
            TapeDumpFile view = t.dumpFile(STARTS_DUMP);
            byte[] dst = new byte[80];
            assertThat(view.readBlock(dst)).isEqualTo(block(0).length);
            // someone else moves the drive: the file goes back to where it was
            t.rewind();
            assertThat(view.readBlock(dst)).isEqualTo(block(1).length);
            assertThat(ByteBuffer.wrap(dst).getLong()).isEqualTo(1);
            view.close();
            assertThat(t.isMounted()).isTrue();
        }
    }

    @Test
    void endOfVolumeIsDeviceFullThroughTheSink() throws Exception {
        Path p = dir.resolve("short.aws");
        try (TapeDrive t = mountNew(p, 1000)) {
            TapeBlockSink sink = t;
            sink.writeBlock(new byte[900], 0, 900);
            assertThatThrownBy(() -> sink.writeBlock(new byte[200], 0, 200))
                    .isInstanceOf(DumpDeviceFullException.class).hasMessageContaining("end of volume")
                    .hasCauseInstanceOf(EndOfVolumeException.class)
                    .satisfies(e -> assertThat(((DumpDeviceFullException) e).addressReached()).isEqualTo(1));
            sink.writeTapemark(); // a tape mark still fits behind the end-of-tape marker
            assertThat(Files.size(p)).isEqualTo(6 + 900 + 6);
        }
    }

    @Test
    void anAwsImageIsRecognisedByItsFirstChunkHeader() throws Exception {
        byte[] withTool = Files.readAllBytes(tape("a.aws", true, 2));
        assertThat(AwsChunkHeader.startsAwsImage(withTool, withTool.length, withTool.length)).isTrue();
        byte[] mark = {0, 0, 0, 0, 0x40, 0};
        assertThat(AwsChunkHeader.startsAwsImage(mark, 6, 6)).isTrue();
        byte[] text = "#!/bin/sh\necho".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(AwsChunkHeader.startsAwsImage(text, text.length, text.length)).isFalse();
        // a first block longer than the file
        assertThat(AwsChunkHeader.startsAwsImage(withTool, 6, 50)).isFalse();
        assertThat(AwsChunkHeader.startsAwsImage(withTool, 5, withTool.length)).isFalse();
    }
}
