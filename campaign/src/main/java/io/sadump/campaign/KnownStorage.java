package io.sadump.campaign;

import io.sadump.ipl.MebibyteDigests;
import io.sadump.machine.FrameRecord;
import io.sadump.machine.WrittenRanges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a scenario machine's storage is known to hold without reading it: the template's storage, except
 * where its write log noted writes since the last restore ({@link TemplateCopy#restore}). The restore
 * itself rests on the same log, and the same check that nothing wrote the file unnoted (its time moved
 * with nothing noted). A scenario's storage differs from the template in a few MiB (the damage, the
 * store status), so its reference and its check after a stand-alone dump digest those MiB and take the
 * template's digests for the rest, instead of reading all of storage twice more.
 *
 * @param template the template storage's digests, per MiB
 * @param image the scenario machine's storage file
 * @param log the scenario machine's write log
 * @param copy what made the scenario machine and knows what its last restore left
 */
record KnownStorage(MebibyteDigests template, Path image, WrittenRanges log, TemplateCopy copy) {
    KnownStorage {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(copy, "copy");
    }

    /**
     * The byte ranges of storage written since the last restore (sorted), or empty when that is not known:
     * the file was replaced, or it changed with no write noted.
     */
    Optional<List<long[]>> writtenSinceRestore() {
        WrittenRanges.FileWrites w = log.peek(image);
        if (w.replaced()) {
            return Optional.empty();
        }
        try {
            if (w.ranges().isEmpty() && !copy.leftAsRestored(image)) {
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty(); // the caller reads all of storage, where a real failure is reported
        }
        return Optional.of(w.ranges());
    }

    /**
     * The digests of storage now, mapped as {@code image} (buffer index A is absolute address A), taken
     * with {@code algorithm}: the template's patched where storage was written, or all of it digested when
     * that is not known or the template's digests are of another algorithm.
     */
    MebibyteDigests digestsOf(ByteBuffer mapped, FrameRecord written,
            MebibyteDigests.Algorithm algorithm) {
        Optional<List<long[]>> since = algorithm == template.algorithm()
                && mapped.capacity() == template.memorySize() ? writtenSinceRestore() : Optional.empty();
        return since.map(r -> template.withImageRanges(mapped, written, r))
                .orElseGet(() -> MebibyteDigests.ofImage(mapped, written, algorithm));
    }

    /**
     * {@code reference} compared with storage now, mapped as {@code mapped}: only the MiBs written since the
     * restore when those are known (the rest is as the template's, and so as when {@code reference} was
     * taken, which saw the same or more of them unwritten), else all of it.
     */
    MebibyteDigests.Comparison compare(MebibyteDigests reference, ByteBuffer mapped,
            FrameRecord written) {
        Optional<List<long[]>> since = mapped.capacity() == reference.memorySize()
                ? writtenSinceRestore() : Optional.empty();
        return since.map(r -> reference.compareImage(mapped, written, r))
                .orElseGet(() -> reference.compareImage(mapped, written));
    }
}
