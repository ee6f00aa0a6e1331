package io.sadump.hmc.web;

import io.javalin.http.sse.SseClient;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One browser's server-sent event stream. The machine's feed calls {@link #offer} on the thread that found
 * a line (a task's own thread): that call only queues, and this stream's thread does the network writing,
 * so a slow or vanished browser never slows a dump. A browser that falls {@value #CAPACITY} events behind is
 * cut off; its EventSource reconnects with the last sequence number it saw and catches up from the log.
 */
final class EventStream implements AutoCloseable {
    static final int CAPACITY = 8192;
    /** A comment line this often keeps proxies and the browser from timing out an idle stream. */
    static final long HEARTBEAT_MILLIS = 15_000;

    private record Event(String name, String data) {}

    private static final Event END = new Event("", "");

    private final SseClient client;
    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread sender;
    private volatile boolean closed;

    EventStream(SseClient client, String threadName) {
        this.client = client;
        this.sender = new Thread(this::send, threadName);
        this.sender.setDaemon(true);
    }

    void start() {
        sender.start();
    }

    /** Queues one event ({@code data} is JSON text); false when the stream is closed or overrun. */
    boolean offer(String name, String data) {
        if (closed) {
            return false;
        }
        if (!queue.offer(new Event(name, data))) {
            close();
            return false;
        }
        return true;
    }

    private void send() {
        try {
            while (!closed && !client.terminated()) {
                Event e = queue.poll(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
                if (e == null) {
                    client.sendComment("keep-alive");
                } else if (e == END) {
                    break;
                } else {
                    client.sendEvent(e.name(), e.data());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the browser went away mid-write: nothing to tell anyone
        } finally {
            closed = true;
            client.close();
        }
    }

    boolean closed() {
        return closed || client.terminated();
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
        queue.offer(END);
    }
}
