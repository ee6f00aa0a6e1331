package io.sadump.archive;

import io.sadump.archive.DumpFormatRegistry;
import io.sadump.archive.format.DumpFormatWriter;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MemorySource;
import io.sadump.machine.output.ReplacementFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a dump archive: a standard tar (commons-compress; POSIX/PAX headers for big sizes and long
 * names), compressed with zstd, xz, gzip or not at all, holding
 * <ol>
 *   <li>{@code info.json}: the {@code zgetdump -i} facts, the archive's metadata and what is known of
 *       the machine ({@link MachineFacts});</li>
 *   <li>the dump, converted ({@code dump.elf}, {@code dump.s390}) or as found (the source files);</li>
 *   <li>{@code SHA256SUMS}: one {@code <hex>  <name>} line per file, as {@code sha256sum} writes and
 *       {@code sha256sum -c} reads it;</li>
 *   <li>with a key, {@code SHA256SUMS.p7s}: a detached CMS signature over {@code SHA256SUMS}.</li>
 * </ol>
 * The dump is streamed into its tar entry: the entry size is computed up front from the memory's
 * chunks, and nothing of the dump is held in memory. The archive appears under its name only when
 * complete (it is written to a temporary file next to it first).
 */
public final class DumpArchiveWriter {
    public static final String INFO = "info.json";
    public static final String SUMS = "SHA256SUMS";
    public static final String SIGNATURE = "SHA256SUMS.p7s";
    /** Read size when a source file goes in as it is. */
    static final int COPY_BUFFER = 4 << 20;
    /**
     * Buffers of {@value #COPY_BUFFER} bytes in flight between the reader, the compressor and the digest:
     * how far the digest may fall behind the compressor before the reader, and then the compressor, wait
     * for it. On two busy cores the digest gets its share in bursts; with only a few buffers the
     * compressor waited for it in a quarter of the run.
     */
    static final int COPY_BUFFERS = 16;

    /** The {@code --format} word for the source files as they are, unconverted. */
    public static final String AS_IS = "asis";

    /**
     * What goes into the archive as the dump, from its {@code --format} word: a writable format of the
     * registry ({@code s390}, {@code elf}), or empty for {@value #AS_IS}.
     */
    public static Optional<DumpFormat> conversion(String word) {
        if (word.trim().equalsIgnoreCase(AS_IS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(DumpFormatRegistry.writable(word).format());
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("--format is " + DumpFormatRegistry.writableWords(", ") + " or "
                    + AS_IS + ", not '" + word + "'", e);
        }
    }

    /**
     * @param conversion the format the dump is converted to; empty: the source files as they are
     * @param threads zstd worker threads
     * @param selection the system chosen from a dump with two (recorded in info.json)
     */
    public record Options(ArchiveCompression compression, int level, Optional<DumpFormat> conversion,
            Optional<ArchiveSigning.Signer> signer, int threads, DumpProgressListener listener,
            Optional<SystemSelection> selection) {
        public Options {
            compression.checkLevel(level);
            compression.checkMemory(level, ArchiveCompression.freeHeap());
            if (threads < 1) {
                throw new InvalidValueException("threads must be at least 1");
            }
        }

        public static Options defaults() {
            return new Options(ArchiveCompression.ZSTD, ArchiveCompression.ZSTD.defaultLevel(),
                    Optional.of(DumpFormat.ELF), Optional.empty(), Math.max(1, Runtime.getRuntime().availableProcessors()),
                    DumpProgressListener.NONE, Optional.empty());
        }
    }

    /** One file in the archive. */
    public record Member(String name, long size, String sha256) {}

    /** What was written. */
    public record Created(Path archive, List<Member> members, long archiveBytes, Optional<String> signer) {}

    /** What was written to a sink: {@code name} is what the caller called it (an object's name). */
    public record Streamed(String name, List<Member> members, long archiveBytes, Optional<String> signer) {}

    private DumpArchiveWriter() {}

    /**
     * Writes the archive into {@code sink} as it is made (an upload, say), which is not closed: its
     * owner decides whether what was written becomes the archive (on success) or is dropped (when this
     * throws, the archive in the sink is incomplete).
     *
     * @param name what the sink is called, for messages
     */
    public static Streamed create(OpenedDump dump, MemorySource memory, DumpMetadata metadata, DumpInfo info,
            WritableByteChannel sink, String name, Options options) throws IOException {
        if (!info.complete()) {
            throw new io.sadump.dump.IncompleteDumpException("Dump cannot be processed (is not complete): "
                    + info.problem().get());
        }
        long[] written = new long[1];
        // the compressor closes its target; the sink stays open for its owner
        WritableByteChannel kept = new WritableByteChannel() {
            private boolean open = true;

            @Override
            public int write(ByteBuffer src) throws IOException {
                int n = sink.write(src);
                written[0] += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return open && sink.isOpen();
            }

            @Override
            public void close() {
                open = false;
            }
        };
        List<Member> members;
        try (CompressingChannel compressed = CompressingChannel.open(options.compression(), kept, options.level(),
                options.threads())) {
            ArchiveTarStream tar = new ArchiveTarStream(compressed);
            members = writeEntries(tar, dump, memory, metadata, info, options);
            tar.finish();
            compressed.finish();
        } catch (IOException e) {
            if (e.getClass() != IOException.class) {
                throw e;
            }
            throw new IOException("writing " + name + ": " + e.getMessage(), e);
        }
        return new Streamed(name, members, written[0],
                options.signer().map(s -> s.certificate().getSubjectX500Principal().getName()));
    }

    /**
     * Writes {@code out}.
     *
     * @param dump the dump as opened (its files when the options convert nothing)
     * @param memory the memory to convert (the dump, or the selected system of it)
     * @param metadata the CPUs, VMCOREINFO and times that go with {@code memory}
     * @param info the facts for info.json
     */
    public static Created create(OpenedDump dump, MemorySource memory, DumpMetadata metadata, DumpInfo info,
            Path out, Options options) throws IOException {
        if (!info.complete()) {
            throw new io.sadump.dump.IncompleteDumpException("Dump cannot be processed (is not complete): "
                    + info.problem().get());
        }
        // written beside the archive and renamed over it when complete: a failure keeps an older archive
        List<Member> members;
        Path written;
        try (ReplacementFile file = ReplacementFile.create(out)) {
            // written once in 1 MiB pieces and synced at the commit: past the page cache where it can be
            try (CompressingChannel compressed = CompressingChannel.open(options.compression(), file.channel(),
                    file.unbufferedChannel().orElse(null), options.level(), options.threads())) {
                ArchiveTarStream tar = new ArchiveTarStream(compressed);
                members = writeEntries(tar, dump, memory, metadata, info, options);
                tar.finish();
                compressed.finish();
            }
            file.commit();
            written = file.target();
        } catch (IOException e) {
            if (e.getClass() != IOException.class) {
                throw e; // typed failures (a dump cut short, a device error) say what they are
            }
            throw new IOException("writing " + out + ": " + e.getMessage(), e);
        }
        return new Created(out, members, Files.size(written),
                options.signer().map(s -> s.certificate().getSubjectX500Principal().getName()));
    }

    private static List<Member> writeEntries(ArchiveTarStream tar, OpenedDump dump, MemorySource memory,
            DumpMetadata metadata, DumpInfo info, Options options) throws IOException {
        Instant now = Instant.now();
        List<Member> members = new ArrayList<>();
        List<String> dumpNames = new ArrayList<>();
        List<Long> dumpSizes = new ArrayList<>();
        Optional<DumpFormatWriter> converter = options.conversion().map(f -> DumpFormatRegistry.of(f).writer()
                .orElseThrow(() -> new IllegalArgumentException("a dump cannot be converted to " + f.zgetdumpName())));
        if (converter.isEmpty()) {
            for (Path f : dump.files()) {
                String name = uniqueName(f.getFileName().toString(), dumpNames);
                dumpNames.add(name);
                dumpSizes.add(Files.size(f));
            }
        } else {
            dumpNames.add(memberName(options.conversion().get()));
            dumpSizes.add(converter.get().plannedSize(memory, metadata));
        }

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("archive", "{\"tool\": \"sadump\", \"created\": " + DumpInfoJson.str(now.toString())
                + ", \"content\": " + DumpInfoJson.str(options.conversion().map(DumpFormat::zgetdumpName).orElse(AS_IS))
                + ", \"compression\": " + DumpInfoJson.str(options.compression().label())
                + ", \"selection\": " + options.selection().map(s -> DumpInfoJson.str(s.label())).orElse("null")
                + ", \"dumpFiles\": " + DumpInfoJson.strings(dumpNames)
                + ", \"dumpFileSizes\": " + dumpSizes
                + ", \"sources\": " + DumpInfoJson.strings(dump.files().stream().map(Path::toString).toList()) + "}");
        meta.put("machine", MachineFacts.of(dump, info).toJson());
        byte[] infoJson = DumpInfoJson.of(info, meta).getBytes(StandardCharsets.UTF_8);
        members.add(small(tar, INFO, infoJson, now));

        Instant dumpTime = info.created().orElse(now);
        for (int i = 0; i < dumpNames.size(); i++) {
            tar.beginStreamed(dumpNames.get(i), dumpSizes.get(i), dumpTime);
            try (DigestingChannel ch = new DigestingChannel(tar.data())) {
                if (converter.isPresent()) {
                    converter.get().write(memory, metadata, ch, options.listener());
                } else {
                    copy(dump.files().get(i), ch, dumpSizes.get(i));
                }
                if (ch.count() != dumpSizes.get(i)) {
                    throw new IOException(dumpNames.get(i) + ": wrote " + ch.count() + " bytes, the tar entry says "
                            + dumpSizes.get(i));
                }
                tar.endStreamed();
                members.add(new Member(dumpNames.get(i), ch.count(), ch.hex()));
            }
        }

        StringBuilder sums = new StringBuilder();
        for (Member m : members) {
            sums.append(m.sha256()).append("  ").append(m.name()).append('\n');
        }
        byte[] sumBytes = sums.toString().getBytes(StandardCharsets.UTF_8);
        List<Member> all = new ArrayList<>(members);
        all.add(small(tar, SUMS, sumBytes, now));
        if (options.signer().isPresent()) {
            byte[] sig = ArchiveSigning.sign(sumBytes, options.signer().get());
            all.add(small(tar, SIGNATURE, sig, now));
        }
        return all;
    }

    /** The name of a converted dump inside the archive: {@code dump.elf}, {@code dump.s390}. */
    static String memberName(DumpFormat format) {
        return "dump." + format.zgetdumpName();
    }

    private static String uniqueName(String name, List<String> taken) {
        String n = name;
        for (int k = 1; taken.contains(n) || n.equals(INFO) || n.equals(SUMS) || n.equals(SIGNATURE); k++) {
            n = k + "-" + name;
        }
        return n;
    }

    /**
     * Copies a source file into the member: copied from a mapping of the file into heap buffers
     * ({@link MappedFileReader}), digested and compressed from there. {@value #COPY_BUFFERS} buffers go
     * round: the reader fills the next ones on a thread of its own, and the digest runs up to all of
     * them behind the compressor, so that none of the three waits for another buffer by buffer (on two
     * cores they take turns as the scheduler finds room, as the separate tools of the native pair
     * would).
     *
     * <p>Heap buffers, not direct ones: the JDK's SHA-256 reads a heap buffer's array where it is, but
     * copies a direct buffer 4 KiB at a time into an array first, which made the digest 9% slower
     * (0.75 against 0.69 s per GiB here); zstd-jni reads either in place. The reader allocates each
     * buffer when it first fills it: zeroing 64 MiB at once held up the first compressed bytes by 40 ms.
     */
    static void copy(Path f, DigestingChannel ch, long size) throws IOException {
        ByteBuffer[] buffers = new ByteBuffer[COPY_BUFFERS];
        @SuppressWarnings("unchecked")
        Future<Integer>[] filled = new Future[COPY_BUFFERS];
        @SuppressWarnings("unchecked")
        Future<?>[] digested = new Future<?>[COPY_BUFFERS];
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "archive-reader");
            t.setDaemon(true);
            return t;
        });
        long done = 0;
        try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ)) {
            MappedFileReader mapped = new MappedFileReader(f, in);
            try {
                long planned = 0;
                for (int i = 0; i < buffers.length && planned < size; i++) {
                    filled[i] = readInto(reader, mapped, buffers, i, null, planned, size);
                    planned += COPY_BUFFER;
                }
                for (int i = 0; done < size; i = (i + 1) % COPY_BUFFERS) {
                    if (filled[i] == null) {
                        break; // every planned read is done, and one came back short: the file shrank
                    }
                    int n = await(filled[i], f);
                    if (n <= 0) {
                        break;
                    }
                    ByteBuffer buf = buffers[i];
                    buf.flip();
                    digested[i] = ch.writeDigestingLater(buf);
                    done += n;
                    // the buffer is refilled once its digest is done with it
                    filled[i] = planned < size ? readInto(reader, mapped, buffers, i, digested[i], planned, size) : null;
                    planned += COPY_BUFFER;
                }
            } finally {
                // reads not started yet never start; the reader unmaps its last window after the one
                // that runs (the thread that mapped a window unmaps it), and then no read uses a buffer
                for (Future<Integer> read : filled) {
                    if (read != null) {
                        read.cancel(false);
                    }
                }
                awaitQuietly(reader.submit(mapped::close));
                reader.shutdown();
                // no buffer goes back while a digest still reads it
                for (Future<?> digest : digested) {
                    awaitQuietly(digest);
                }
            }
        }
        if (done != size) {
            throw new IOException(f + ": changed while it was archived (" + done + " of " + size + " bytes read)");
        }
    }

    /**
     * Fills {@code buffers[i]} from {@code position} on, on the reader, after {@code digest} of its old
     * bytes; allocates the buffer first when it has none yet (the caller sees it after the future).
     */
    private static Future<Integer> readInto(ExecutorService reader, MappedFileReader in, ByteBuffer[] buffers,
            int i, Future<?> digest, long position, long size) {
        return reader.submit(() -> {
            if (digest != null) {
                DigestingChannel.awaitDigest(digest);
            }
            if (buffers[i] == null) {
                buffers[i] = ByteBuffer.allocate((int) Math.min(COPY_BUFFER, size));
            }
            return in.fill(buffers[i], position, size);
        });
    }

    private static void awaitQuietly(Future<?> f) {
        if (f == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                break; // reported where the result was needed
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static int await(Future<Integer> read, Path f) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DigestingChannel.interrupted();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof InternalError fault) {
                // a fault on a mapped page that the JVM reported after the reader had left its copy
                throw new IOException(f + ": changed while it was archived (it became shorter while it was read)",
                        fault);
            }
            throw new IOException("reading the dump failed: " + e.getCause(), e.getCause());
        }
    }

    private static Member small(ArchiveTarStream tar, String name, byte[] data, Instant time) throws IOException {
        tar.small(name, data, time);
        return new Member(name, data.length, HexFormat.of().formatHex(sha256().digest(data)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
