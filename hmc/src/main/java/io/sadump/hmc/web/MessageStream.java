package io.sadump.hmc.web;

import io.javalin.http.sse.SseClient;
import io.sadump.hmc.ConsoleFeed;
import io.sadump.hmc.ConsoleLine;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.TaskHolder;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * "Operating System Messages" as server-sent events, {@code GET /ui/machines/{m}/events?since=N}: every
 * console line after N ({@code line}, with the line number as the event id, so a reconnecting EventSource
 * resumes where it was), the dump's progress ({@code progress}), and who holds the machine ({@code busy},
 * {@code idle}). The lines come from the machine's {@link ConsoleFeed}, so those a CLI command in a terminal
 * appends come too.
 */
final class MessageStream implements AutoCloseable {
    /** How often the holder of each watched machine is looked at (another process may take it). */
    static final long BUSY_POLL_MILLIS = 500;

    private final ConsoleEndpoints console;
    private final BrowserSessions sessions;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService busyPoller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sadump hmc web: busy poller");
        t.setDaemon(true);
        return t;
    });

    /** One browser watching one machine. */
    private static final class Watch {
        final HmcMachine machine;
        final EventStream stream;
        final String token;
        AutoCloseable subscription;
        Optional<TaskHolder> lastBusy = Optional.empty();

        Watch(HmcMachine machine, EventStream stream, String token) {
            this.machine = machine;
            this.stream = stream;
            this.token = token;
        }
    }

    MessageStream(ConsoleEndpoints console, BrowserSessions sessions) {
        this.console = console;
        this.sessions = sessions;
        busyPoller.scheduleWithFixedDelay(this::pollBusy, BUSY_POLL_MILLIS, BUSY_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The SSE handler; the checks run before the stream starts, so a refusal is a plain HTTP error. */
    void open(SseClient client) {
        BrowserSessions.Caller c = sessions.require(client.ctx());
        HmcMachine m = console.machine(c, WebTask.MESSAGES, client.ctx().pathParam("m"));
        long since = since(client.ctx().queryParam("since"), client.ctx().header("Last-Event-ID"));
        EventStream stream = new EventStream(client, "sadump hmc web: events " + m.name());
        Watch w = new Watch(m, stream, c.session().token());
        client.keepAlive();
        client.onClose(() -> close(w));
        stream.start();
        w.lastBusy = m.busy();
        w.lastBusy.ifPresent(h -> stream.offer("busy", WebJson.text(WebJson.holder(h))));
        w.subscription = m.console().listen(since, new ConsoleFeed.Listener() {
            @Override
            public void line(ConsoleLine line) {
                if (!stream.offer("line", WebJson.text(WebJson.line(line)))) {
                    close(w);
                }
            }

            @Override
            public void progress(ConsoleFeed.TaskProgress p) {
                stream.offer("progress", WebJson.text(Map.of("done", p.done(), "total", p.total(),
                        "task", p.holder().task(), "user", p.holder().user())));
            }
        });
        watches.add(w);
    }

    /** Tells the watchers of {@code m} how far an archive is (the archive runs outside the console feed). */
    void archiveProgress(HmcMachine m, long done, long total) {
        for (Watch w : watches) {
            if (w.machine.path().equals(m.path())) {
                w.stream.offer("archive", WebJson.text(Map.of("done", done, "total", total)));
            }
        }
    }

    static long since(String query, String lastEventId) {
        String s = lastEventId != null && !lastEventId.isBlank() ? lastEventId : query;
        if (s == null || s.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            throw new io.sadump.machine.InvalidValueException("since must be a line number, not '" + s + "'");
        }
    }

    private void pollBusy() {
        for (Watch w : watches) {
            try {
                if (w.stream.closed() || !sessions.alive(w.token)) {
                    // a session that ended (logout, timeout) hears nothing more
                    close(w);
                    continue;
                }
                Optional<TaskHolder> now = w.machine.busy();
                if (!Objects.equals(now, w.lastBusy)) {
                    w.lastBusy = now;
                    if (now.isPresent()) {
                        w.stream.offer("busy", WebJson.text(WebJson.holder(now.get())));
                    } else {
                        w.stream.offer("idle", "{}");
                    }
                }
            } catch (RuntimeException e) {
                close(w);
            }
        }
    }

    private void close(Watch w) {
        if (watches.remove(w) || w.subscription != null) {
            try {
                if (w.subscription != null) {
                    w.subscription.close();
                }
            } catch (Exception ignored) {
                // the feed's handle closes without I/O
            }
            w.subscription = null;
            w.stream.close();
        }
    }

    @Override
    public void close() {
        busyPoller.shutdownNow();
        for (Watch w : watches) {
            close(w);
        }
    }
}
