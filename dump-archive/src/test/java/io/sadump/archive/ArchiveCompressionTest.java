package io.sadump.archive;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.InvalidValueException;
import org.junit.jupiter.api.Test;

/** A compression level that needs more memory than the JVM has left is refused before anything is written. */
class ArchiveCompressionTest {
    private static final long MIB = 1 << 20;

    @Test
    void xzLevelsWhoseEncoderDoesNotFitTheHeapAreRefusedWithWhatTheyNeed() {
        // XZ for Java's presets: level 9 has a 64 MiB dictionary, its encoder about 672 MiB
        assertThatThrownBy(() -> ArchiveCompression.XZ.checkMemory(9, 480 * MIB))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("--level 9 for xz needs 672 MiB of memory for its encoder, and this JVM has 480 MiB left: "
                        + "take a lower --level, or give Java more heap (SADUMP_JAVA_OPTS=-Xmx...)");
        assertThatCode(() -> ArchiveCompression.XZ.checkMemory(9, 1024 * MIB)).doesNotThrowAnyException();
        assertThatCode(() -> ArchiveCompression.XZ.checkMemory(6, 480 * MIB)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ArchiveCompression.XZ.checkMemory(6, 64 * MIB))
                .isInstanceOf(InvalidValueException.class).hasMessageStartingWith("--level 6 for xz needs 92 MiB");
    }

    @Test
    void zstdGzipAndNoneNeedNoHeapCheck() {
        for (ArchiveCompression c : new ArchiveCompression[] {ArchiveCompression.ZSTD, ArchiveCompression.GZIP,
            ArchiveCompression.NONE}) {
            assertThatCode(() -> c.checkMemory(c.defaultLevel(), 1)).doesNotThrowAnyException();
        }
    }
}
