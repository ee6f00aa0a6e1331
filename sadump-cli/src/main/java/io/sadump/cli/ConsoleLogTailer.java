package io.sadump.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Follows a machine's console log ({@code DIR/console.log}, which {@code MachineDirectory.appendConsole}
 * appends to) the way {@code tail -f} does: lines that any process appends after the tailer started are
 * handed to a sink, without their time stamp, as the dumper's live echo shows them. Only whole lines
 * are handed on; a line still being written waits for its newline.
 *
 * <p>While the console runs a command of its own, the tailer is {@linkplain #pause() paused}; on
 * {@linkplain #resume(String) resume} it skips the lines that command already showed (the dumper's
 * echo, or the messages inside a {@code --json} outcome), so each message appears once.
 */
final class ConsoleLogTailer implements AutoCloseable {
    /** The stamp {@code appendConsole} puts before each line: an {@code Instant} and one space. */
    private static final Pattern STAMP = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z ");
    private static final long POLL_MILLIS = 200;

    private final Path log;
    private final Consumer<String> sink;
    private long offset;
    private boolean paused;
    private Thread thread;
    private volatile boolean stopped;

    ConsoleLogTailer(Path log, Consumer<String> sink) {
        this.log = log;
        this.sink = sink;
        this.offset = size();
    }

    /** Starts polling the log in a daemon thread. */
    ConsoleLogTailer start() {
        thread = new Thread(this::loop, "sadump-console-log");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void loop() {
        while (!stopped) {
            poll();
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Hands on the lines appended since the last poll, unless paused. */
    synchronized void poll() {
        if (!paused) {
            readNew().forEach(sink);
        }
    }

    /** Hands on what is pending, then holds back new lines until {@link #resume}. */
    synchronized void pause() {
        poll();
        paused = true;
    }

    /**
     * Hands on the lines appended while paused, except those found in {@code shown} (the output of the
     * command that ran meanwhile, which showed them already), and goes on following the log.
     */
    synchronized void resume(String shown) {
        for (String line : readNew()) {
            if (!shown.contains(line) && !shown.contains(JsonWriter.quote(line))) {
                sink.accept(line);
            }
        }
        paused = false;
    }

    /** A console-log line without its time stamp. */
    static String text(String logLine) {
        return STAMP.matcher(logLine).replaceFirst("");
    }

    private long size() {
        try {
            return Files.size(log);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            return offset;
        }
    }

    private List<String> readNew() {
        List<String> lines = new ArrayList<>();
        long end = size();
        if (end < offset) {
            // the log was replaced or cut: follow the new one from its end, as tail -F does
            offset = end;
            return lines;
        }
        if (end == offset) {
            return lines;
        }
        byte[] bytes;
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(end - offset, 1 << 20));
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // read on until the buffer is full or the end is reached
            }
            bytes = new byte[buf.position()];
            buf.flip().get(bytes);
        } catch (IOException e) {
            return lines;
        }
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(text(new String(bytes, start, i - start, StandardCharsets.UTF_8)));
                start = i + 1;
            }
        }
        offset += start;
        return lines;
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
