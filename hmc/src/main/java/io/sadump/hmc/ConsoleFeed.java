package io.sadump.hmc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The operating-system messages of one machine, each once, numbered by its line in {@code DIR/console.log}.
 *
 * <p>The console log is the one source: a task of this process appends each line to it as the machine
 * writes it and then tells the feed ({@link #sync()}), so its subscribers see the line at once; lines
 * another process appends (a CLI command in a terminal) are found by polling the log's size while
 * someone is subscribed. Because both come from the file, a line has one number and is handed on once,
 * whoever wrote it. Task progress is not in the log: the task hands it to {@link #progress} directly.
 *
 * <p>There is one feed per machine directory in a process ({@link #of(Path)}). Subscribers are called
 * on the thread that found the lines (the task's or the poller's), in order: keep the callback short
 * (hand the line to a queue).
 */
public final class ConsoleFeed {
    /** How often the log is checked for lines other processes append, while someone listens. */
    static final long POLL_MILLIS = 200;
    /** How many recent lines are kept in memory for {@link #since}; older ones are read from the log. */
    static final int RECENT = 4096;

    private static final Map<Path, ConsoleFeed> FEEDS = new ConcurrentHashMap<>();

    /** What a subscriber hears. */
    public interface Listener {
        /** A console line, in order of {@code seq}. */
        void line(ConsoleLine line);

        /** A task's progress: {@code done} of {@code total} bytes of the dump. */
        default void progress(TaskProgress progress) {}
    }

    /** Progress of the task {@code holder} runs. */
    public record TaskProgress(TaskHolder holder, long done, long total) {}

    private final Path log;
    private final ArrayDeque<ConsoleLine> recent = new ArrayDeque<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Bytes of the log scanned so far (whole lines only), and how many lines they held. */
    private long offset;
    private long lines;
    private Thread poller;

    private ConsoleFeed(Path log) {
        this.log = log;
    }

    /** The feed of the machine in {@code dir} (one per directory in this process). */
    public static ConsoleFeed of(Path dir) {
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            key = dir.toAbsolutePath().normalize();
        }
        return FEEDS.computeIfAbsent(key, k -> new ConsoleFeed(k.resolve(io.sadump.machine.MachineDirectory.CONSOLE_LOG)));
    }

    /** The number of the newest line in the log (0 when it is empty). */
    public synchronized long last() {
        sync();
        return lines;
    }

    /** The lines after {@code seq} (0: all), oldest first. */
    public synchronized List<ConsoleLine> since(long seq) {
        sync();
        long first = recent.isEmpty() ? lines + 1 : recent.peekFirst().seq();
        if (seq + 1 >= first) {
            List<ConsoleLine> out = new ArrayList<>();
            for (ConsoleLine l : recent) {
                if (l.seq() > seq) {
                    out.add(l);
                }
            }
            return out;
        }
        return readFrom(seq);
    }

    /**
     * Hands every line after {@code fromSeq} to {@code sink}: first those in the log now, then each new
     * one as it comes, until the returned handle is closed.
     */
    public AutoCloseable subscribe(long fromSeq, Consumer<ConsoleLine> sink) {
        return listen(fromSeq, sink::accept);
    }

    /** As {@link #subscribe(long, Consumer)}, also with the progress of the tasks run in this process. */
    public AutoCloseable listen(long fromSeq, Listener listener) {
        synchronized (this) {
            for (ConsoleLine l : since(fromSeq)) {
                listener.line(l);
            }
            listeners.add(listener);
            if (poller == null) {
                poller = new Thread(this::poll, "sadump console feed " + log.getParent().getFileName());
                poller.setDaemon(true);
                poller.start();
            }
        }
        return () -> {
            synchronized (this) {
                listeners.remove(listener);
                if (listeners.isEmpty() && poller != null) {
                    poller.interrupt();
                    poller = null;
                }
            }
        };
    }

    /** Tells the subscribers how far a task is. */
    public void progress(TaskProgress p) {
        for (Listener l : listeners) {
            l.progress(p);
        }
    }

    private void poll() {
        while (!Thread.currentThread().isInterrupted()) {
            sync();
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads the lines appended since the last look and hands them to the subscribers. */
    public synchronized void sync() {
        long size;
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < offset) {
                // the log was replaced (a machine created again): number it afresh
                offset = 0;
                lines = 0;
                recent.clear();
            }
            while (size > offset) {
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
                while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                    // until full or at the end
                }
                byte[] b = new byte[buf.position()];
                buf.flip().get(b);
                int start = 0;
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == '\n') {
                        publish(parse(++lines, new String(b, start, i - start, StandardCharsets.UTF_8)));
                        start = i + 1;
                    }
                }
                if (start == 0) {
                    break; // a line still being written waits for its newline
                }
                offset += start;
            }
        } catch (NoSuchFileException e) {
            // no message yet
        } catch (IOException e) {
            // the next look tries again; a feed does not fail its task
        }
    }

    private void publish(ConsoleLine line) {
        recent.addLast(line);
        if (recent.size() > RECENT) {
            recent.removeFirst();
        }
        for (Listener l : listeners) {
            l.line(line);
        }
    }

    /** The lines after {@code seq}, read from the log (older than what is kept in memory). */
    private List<ConsoleLine> readFrom(long seq) {
        List<ConsoleLine> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ);
                BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                        StandardCharsets.UTF_8))) {
            long n = 0;
            String text;
            while (n < lines && (text = r.readLine()) != null) {
                n++;
                if (n > seq) {
                    out.add(parse(n, text));
                }
            }
        } catch (IOException e) {
            throw new io.sadump.machine.MachineException("cannot read " + log + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** A log line {@code 2026-12-02T12:00:01.5Z text}: the stamp is {@code appendConsole}'s. */
    static ConsoleLine parse(long seq, String logLine) {
        int sp = logLine.indexOf(' ');
        if (sp > 0 && logLine.endsWith("\r")) {
            logLine = logLine.substring(0, logLine.length() - 1);
        }
        if (sp > 10 && logLine.charAt(sp - 1) == 'Z') {
            try {
                return new ConsoleLine(seq, Instant.parse(logLine.substring(0, sp)), logLine.substring(sp + 1));
            } catch (DateTimeParseException e) {
                // not a stamp: the whole line is the text
            }
        }
        return new ConsoleLine(seq, Instant.EPOCH, logLine);
    }
}
