package io.sadump.machine;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The journal file of a {@link MachineChange}, {@code DIR/change.journal}, and the recovery that
 * undoes an interrupted change.
 *
 * <p>Records, appended in order, each {@code kind (1) | length (4) | payload | CRC-32C (4)} over kind,
 * length and payload (big-endian): {@code H} header (description; the state files: name, present,
 * bytes), {@code F} a frame's old content ({@code frame (8) | length (4) | has data (1) | data}),
 * {@code C} storage cleared (its image replaced by a renamed new one, the old one renamed aside), {@code R} rename ({@code from | to}, names relative to the machine
 * directory), {@code N} created file, {@code T} a note saying how far the change got. A record cut
 * short or failing its CRC ends the journal: the change it announces never started, because every
 * record is forced to the disk before its change is made.
 *
 * <p>Every record is forced before its change, so whatever part of a change reached the disk, its
 * undo data did first (storage.img itself is never forced: it models volatile memory).
 *
 * <p>Undo, in reverse order, is idempotent: each frame gets its old content back, each rename is
 * reversed only while its target exists and its source does not, each created file is removed. So a
 * recovery that is itself killed is simply run again.
 */
public final class MachineJournal {
    /** The journal's name in the machine directory. */
    public static final String FILE = "change.journal";

    private static final byte HEADER = 'H';
    private static final byte FRAME = 'F';
    private static final byte CLEARED = 'C';
    private static final byte RENAME = 'R';
    private static final byte CREATED = 'N';
    private static final byte NOTE = 'T';
    private static final byte EXCHANGE = 'X';
    /** Kind and length before the payload, CRC after it. */
    private static final int FRAMING = 1 + 4 + 4;
    /** A payload longer than a frame or exchange record's is damage, not a record. */
    private static final int MAX_PAYLOAD = (int) FrameRecord.FRAME_SIZE + 64 * 1024;

    /** Called before every record's undo and between an exchange undo's writes: tests cut a recovery short there. */
    static volatile java.util.function.Consumer<String> undoStep = what -> { };

    private MachineJournal() {}

    /** What a recovery did. */
    public record Recovery(String description, Optional<String> lastNote, int framesRestored, int filesUndone,
            int stateFilesRestored) {
        /** False when the change was cut short (or refused) before it changed anything. */
        public boolean undidAnything() {
            return framesRestored + filesUndone + stateFilesRestored > 0;
        }

        /** One line for the console log and the operator. */
        public String message() {
            return "recovered an interrupted " + lastNote.map(n -> n + " (in " + description + ")").orElse(description)
                    + ": undone, " + framesRestored + " storage MiB" + (framesRestored == 1 ? "" : "s")
                    + " and " + (filesUndone + stateFilesRestored) + " file" + (filesUndone + stateFilesRestored == 1
                            ? "" : "s") + " restored; the machine is as it was before that command";
        }
    }

    /** True if {@code dir} holds the journal of a change that was not committed. */
    public static boolean pending(Path dir) {
        return Files.exists(dir.resolve(FILE));
    }

    /**
     * Undoes the interrupted change journaled in the machine directory, if any. The caller holds the
     * machine's lock, so no live change is journaled there.
     */
    static Optional<Recovery> recover(MachineDirectory machine) {
        Path file = machine.path().resolve(FILE);
        List<Record> records;
        try {
            records = read(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new MachineException("cannot read the journal " + file + " of an interrupted change: "
                    + e.getMessage(), e);
        }
        try {
            if (records.isEmpty() || records.get(0).kind != HEADER) {
                // The header is forced before any change is made: nothing was changed.
                Files.deleteIfExists(file);
                syncDirectory(machine.path());
                return Optional.empty();
            }
            Recovery r = undo(machine, records);
            Files.deleteIfExists(file);
            syncDirectory(machine.path());
            return Optional.of(r);
        } catch (IOException e) {
            throw new MachineException("cannot undo the interrupted change journaled in " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static Recovery undo(MachineDirectory machine, List<Record> records) throws IOException {
        Path dir = machine.path();
        ByteBuffer h = ByteBuffer.wrap(records.get(0).payload);
        String description = string(h);
        int fileCount = h.getShort() & 0xFFFF;
        List<String> names = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < fileCount; i++) {
            names.add(string(h));
            boolean present = h.get() != 0;
            int len = h.getInt();
            byte[] b = new byte[len];
            h.get(b);
            contents.add(present ? b : null);
        }
        String note = null;
        for (int i = 1; i < records.size(); i++) {
            if (records.get(i).kind == NOTE) {
                note = new String(records.get(i).payload, StandardCharsets.UTF_8);
            }
        }
        int frames = 0;
        int filesUndone = 0;
        FileStorage storage = null;
        try {
            for (int i = records.size() - 1; i >= 1; i--) {
                Record r = records.get(i);
                ByteBuffer p = ByteBuffer.wrap(r.payload);
                undoStep.accept("undo record " + i + " (" + (char) r.kind + ")");
                if (r.kind == EXCHANGE && (i == records.size() - 1 || records.get(i + 1).kind != EXCHANGE)) {
                    // The last record of an exchange: its undo reads what the exchange left, so the
                    // records after it, undone now, must not be undone again by a recovery that is cut
                    // short and run again. They go, once what they put back is on the disk.
                    storage = openForUndo(machine, storage);
                    cutJournal(machine, storage, r.end());
                }
                switch (r.kind) {
                    case FRAME -> {
                        if (storage == null) {
                            storage = FileStorage.open(dir.resolve(MachineDirectory.STORAGE),
                                    dir.resolve(MachineDirectory.FRAMES), machine.config().storageSize(), true);
                        }
                        long frame = p.getLong();
                        int len = p.getInt();
                        boolean hasData = p.get() != 0;
                        long start = frame << FrameRecord.FRAME_SHIFT;
                        if (hasData) {
                            byte[] data = new byte[len];
                            p.get(data);
                            storage.write(start, data, 0, len);
                        } else {
                            storage.zero(start, len);
                        }
                        frames++;
                    }
                    case RENAME -> {
                        Path from = dir.resolve(string(p));
                        Path to = dir.resolve(string(p));
                        if (storage != null) {
                            // the frames journaled before this rename belong to the image it may move back
                            storage.sync();
                            storage.close();
                            storage = null;
                        }
                        if (from.getFileName().toString().equals(MachineDirectory.STORAGE)) {
                            // the frame record may describe the image that replaced this one: rebuilt on open
                            Files.deleteIfExists(dir.resolve(MachineDirectory.FRAMES));
                        }
                        if (Files.exists(to) && !Files.exists(from)) {
                            Files.move(to, from, StandardCopyOption.ATOMIC_MOVE);
                            filesUndone++;
                        }
                    }
                    case EXCHANGE -> {
                        storage = openForUndo(machine, storage);
                        long saved = p.getLong();
                        long other = p.getLong();
                        int len = p.getInt();
                        byte[] data = null;
                        if (p.get() != 0) {
                            data = new byte[len];
                            p.get(data);
                        }
                        frames += StorageExchange.undo(storage, saved, other, len, data,
                                () -> undoStep.accept("exchange undo between its writes"));
                        if (i == 1 || records.get(i - 1).kind != EXCHANGE) {
                            // the exchange is undone: the records before it must not meet it again
                            cutJournal(machine, storage, r.offset());
                        }
                    }
                    case CREATED -> {
                        if (deleteTree(dir.resolve(string(p)))) {
                            filesUndone++;
                        }
                    }
                    default -> {
                        // C and T carry nothing to undo
                    }
                }
            }
            if (storage != null) {
                storage.sync();
            }
        } finally {
            if (storage != null) {
                storage.close();
            }
        }
        int restored = 0;
        for (int i = 0; i < names.size(); i++) {
            Path f = dir.resolve(names.get(i));
            byte[] want = contents.get(i);
            if (want == null) {
                if (Files.deleteIfExists(f)) {
                    restored++;
                }
            } else if (!Files.exists(f) || !java.util.Arrays.equals(Files.readAllBytes(f), want)) {
                Path tmp = f.resolveSibling(f.getFileName() + ".recovered");
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer b = ByteBuffer.wrap(want);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.force(true);
                }
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                restored++;
            }
        }
        syncDirectory(dir);
        return new Recovery(description, Optional.ofNullable(note), frames, filesUndone, restored);
    }

    /** Removes a file or a directory with everything in it; true if there was one. */
    static boolean deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var walk = Files.walk(p)) {
                for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
            return true;
        }
        return Files.deleteIfExists(p);
    }

    /** The records up to the first one cut short or damaged. */
    private static List<Record> read(Path file) throws IOException {
        List<Record> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            ByteBuffer head = ByteBuffer.allocate(5);
            while (pos + FRAMING <= size) {
                head.clear();
                readFully(ch, head, pos);
                byte kind = head.get(0);
                int len = head.getInt(1);
                if (len < 0 || len > MAX_PAYLOAD || pos + FRAMING + len > size) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(len + 4);
                readFully(ch, body, pos + 5);
                CRC32C crc = new CRC32C();
                crc.update(head.array(), 0, 5);
                crc.update(body.array(), 0, len);
                if ((int) crc.getValue() != body.getInt(len)) {
                    break;
                }
                out.add(new Record(kind, java.util.Arrays.copyOf(body.array(), len), pos));
                pos += FRAMING + len;
            }
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("the journal ended early");
            }
        }
    }

    /** A record and where it lies in the journal. */
    private record Record(byte kind, byte[] payload, long offset) {
        long end() {
            return offset + FRAMING + payload.length;
        }
    }

    private static FileStorage openForUndo(MachineDirectory machine, FileStorage open) {
        if (open != null) {
            return open;
        }
        Path dir = machine.path();
        return FileStorage.open(dir.resolve(MachineDirectory.STORAGE), dir.resolve(MachineDirectory.FRAMES),
                machine.config().storageSize(), true);
    }

    /**
     * Ends the journal at {@code length}: what the records after it put back is forced to the disk
     * first (storage and its frame record), so the journal never forgets an undo that did not stick.
     */
    private static void cutJournal(MachineDirectory machine, FileStorage storage, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(machine.path().resolve(FILE), StandardOpenOption.WRITE)) {
            if (ch.size() > length) {
                storage.sync();
                storage.forceData();
                ch.truncate(length);
                ch.force(true);
                undoStep.accept("journal cut at " + length);
            }
        }
    }

    // -- records ------------------------------------------------------------------------------

    static ByteBuffer header(Path dir, String description, List<String> stateFiles) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        parts.add(stringBytes(description));
        ByteBuffer count = ByteBuffer.allocate(2).putShort((short) stateFiles.size());
        parts.add(count.array());
        for (String name : stateFiles) {
            Path f = dir.resolve(name);
            boolean present = Files.isRegularFile(f);
            byte[] content = present ? Files.readAllBytes(f) : new byte[0];
            parts.add(stringBytes(name));
            parts.add(ByteBuffer.allocate(5).put((byte) (present ? 1 : 0)).putInt(content.length).array());
            parts.add(content);
        }
        int len = parts.stream().mapToInt(b -> b.length).sum();
        ByteBuffer payload = ByteBuffer.allocate(len);
        parts.forEach(payload::put);
        return record(HEADER, payload.array());
    }

    static ByteBuffer frameRecord(long frame, int len, byte[] data) {
        ByteBuffer p = ByteBuffer.allocate(13 + (data == null ? 0 : len));
        p.putLong(frame).putInt(len).put((byte) (data == null ? 0 : 1));
        if (data != null) {
            p.put(data, 0, len);
        }
        return record(FRAME, p.array());
    }

    /** One chunk of an exchange: where its saved and its other side start, and the saved side's bytes (null: zeros). */
    static ByteBuffer exchangeRecord(long saved, long other, int len, byte[] data) {
        ByteBuffer p = ByteBuffer.allocate(21 + (data == null ? 0 : len));
        p.putLong(saved).putLong(other).putInt(len).put((byte) (data == null ? 0 : 1));
        if (data != null) {
            p.put(data, 0, len);
        }
        return record(EXCHANGE, p.array());
    }

    static ByteBuffer clearedRecord() {
        return record(CLEARED, new byte[0]);
    }

    static ByteBuffer renameRecord(Path dir, Path from, Path to) {
        byte[] a = stringBytes(relative(dir, from));
        byte[] b = stringBytes(relative(dir, to));
        return record(RENAME, ByteBuffer.allocate(a.length + b.length).put(a).put(b).array());
    }

    static ByteBuffer createdRecord(Path dir, Path file) {
        return record(CREATED, stringBytes(relative(dir, file)));
    }

    static ByteBuffer noteRecord(String note) {
        return record(NOTE, note.getBytes(StandardCharsets.UTF_8));
    }

    private static String relative(Path dir, Path file) {
        Path base = dir.toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        if (!f.startsWith(base)) {
            throw new IllegalArgumentException(file + " is not inside the machine directory " + dir);
        }
        return base.relativize(f).toString();
    }

    private static ByteBuffer record(byte kind, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(FRAMING + payload.length);
        b.put(kind).putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 5 + payload.length);
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    private static byte[] stringBytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("a journal string of " + b.length + " bytes");
        }
        return ByteBuffer.allocate(2 + b.length).putShort((short) b.length).put(b).array();
    }

    private static String string(ByteBuffer b) {
        try {
            int len = b.getShort() & 0xFFFF;
            byte[] s = new byte[len];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        } catch (BufferUnderflowException e) {
            throw new MachineException("the journal holds a damaged record", e);
        }
    }

    /** Forces the directory entry changes (a created, renamed or removed file) to the disk. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be opened; the entries reach the disk anyway
        }
    }
}
