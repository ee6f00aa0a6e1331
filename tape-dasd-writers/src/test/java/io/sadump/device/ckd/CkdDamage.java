package io.sadump.device.ckd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Damages CKD images on purpose for negative tests. */
final class CkdDamage {
    private CkdDamage() {}

    static void corruptTrackHeader(Path img, int track) throws IOException {
        poke(img, new CkdGeometry(1).trackOffset(track) + 1, new byte[] {0x12, 0x34});
    }

    static void poke(Path img, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    static void truncate(Path img, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
