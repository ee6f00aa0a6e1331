package io.sadump.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sadump.fixtures.Corruption;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import io.sadump.machine.Sizes;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The results of a campaign kept on disk as it runs, so a driver that is killed resumes where it stopped:
 * {@code DIR/results.jsonl}, a header line naming the campaign (seed, storage, kinds, core collector), then one
 * {@link ResultLine} per finished scenario. Each append is written and forced to the disk before it returns,
 * so a line is either there whole or is the torn last line of a crash, which {@link #open} cuts off. The
 * number of runs is not in the header: scenario i depends only on the seed and i, so a larger {@code --runs}
 * extends the same campaign. One driver at a time: the file is locked while open.
 */
public final class ResultsFile implements Closeable {
    public static final String NAME = "results.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORMAT = "sadump-campaign-results";

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final Map<Integer, FinishedScenario> finished;

    private ResultsFile(Path path, FileChannel channel, FileLock lock, Map<Integer, FinishedScenario> finished) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.finished = finished;
    }

    /**
     * Opens (or starts) the results of {@code campaign} in {@code dir}.
     *
     * @throws InvalidValueException when the directory holds another campaign's results, or a line other than
     *     the last is damaged
     * @throws MachineException when another driver has the file open
     */
    public static ResultsFile open(Path dir, Campaign campaign) throws IOException {
        Files.createDirectories(dir);
        Path path = dir.resolve(NAME);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new MachineException(path + " is in use by another campaign driver");
            }
            Map<Integer, FinishedScenario> finished = new TreeMap<>();
            long good = read(path, ch, campaign, finished);
            if (good < ch.size()) {
                // a torn last line (a crash while appending): cut it off so the next append starts a line
                ch.truncate(good);
                ch.force(true);
            }
            ch.position(good);
            ResultsFile f = new ResultsFile(path, ch, lock, finished);
            if (good == 0) {
                f.write(header(campaign) + "\n");
            }
            return f;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Where the file is. */
    public Path path() {
        return path;
    }

    /** The scenarios an earlier driver finished, by index (those of this campaign's runs only). */
    public Map<Integer, FinishedScenario> finished() {
        return Collections.unmodifiableMap(finished);
    }

    /** The finished scenarios of index below {@code runs}, marked as resumed. */
    public Map<Integer, FinishedScenario> finishedBelow(int runs) {
        Map<Integer, FinishedScenario> m = new TreeMap<>();
        finished.forEach((i, f) -> {
            if (i < runs) {
                m.put(i, new FinishedScenario(f.result(), f.placement().asResumed()));
            }
        });
        return m;
    }

    /** Appends {@code list} and forces it to the disk; a scenario already in the file is not written again. */
    public synchronized void append(List<FinishedScenario> list) throws IOException {
        StringBuilder b = new StringBuilder();
        for (FinishedScenario f : list) {
            if (finished.putIfAbsent(f.index(), f) == null) {
                b.append(ResultLine.encode(f)).append('\n');
            }
        }
        if (b.length() > 0) {
            write(b.toString());
        }
    }

    private void write(String text) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }

    static String header(Campaign c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT).put("version", 1).put("seed", c.seed()).put("storage", c.storageSize());
        com.fasterxml.jackson.databind.node.ArrayNode kinds = o.putArray("kinds");
        c.kinds().forEach(k -> kinds.add(k.kindName()));
        o.put("core_collector", c.coreCollector().commandLine());
        return o.toString();
    }

    /** Reads the header and the lines into {@code finished}; returns where the last whole line ends. */
    private static long read(Path path, FileChannel ch, Campaign campaign, Map<Integer, FinishedScenario> finished)
            throws IOException {
        long size = ch.size();
        if (size == 0) {
            return 0;
        }
        ch.position(0);
        // not closed: closing the stream would close the channel
        InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        long offset = 0;
        long good = 0;
        int lineNo = 0;
        while (offset < size) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            offset++;
            if (b != '\n') {
                line.write(b);
                continue;
            }
            lineNo++;
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            boolean last = offset >= size;
            try {
                if (lineNo == 1) {
                    checkHeader(path, text, campaign);
                } else {
                    FinishedScenario f = ResultLine.decode(text, campaign);
                    finished.putIfAbsent(f.index(), f);
                }
            } catch (IllegalArgumentException e) {
                if (lineNo == 1 && !(e instanceof TornHeader)) {
                    throw e;
                }
                if (!last) {
                    throw new InvalidValueException(path + ": line " + lineNo + " is damaged: " + e.getMessage()
                            + "; move the file away to start over");
                }
                // a damaged last line is what a crash in the middle of an append leaves
                return good;
            }
            good = offset;
        }
        return good;
    }

    private static void checkHeader(Path path, String text, Campaign c) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new TornHeader();
        }
        if (o == null || !o.isObject() || !FORMAT.equals(o.path("format").asText())) {
            throw new InvalidValueException(path + " is not a sadump campaign results file");
        }
        List<String> kinds = new ArrayList<>();
        o.path("kinds").forEach(k -> kinds.add(k.asText()));
        long seed = o.path("seed").asLong();
        long storage = o.path("storage").asLong();
        String collector = o.path("core_collector").asText();
        List<String> ours = c.kinds().stream().map(Corruption::kindName).toList();
        if (seed != c.seed() || storage != c.storageSize() || !kinds.equals(ours)
                || !collector.equals(c.coreCollector().commandLine())) {
            throw new InvalidValueException(path + " holds the results of another campaign (seed " + seed + ", "
                    + Sizes.format(storage) + " systems, " + kinds.size() + " kinds, core collector '" + collector
                    + "'), not of this one (seed " + c.seed() + ", " + Sizes.format(c.storageSize()) + " systems, "
                    + ours.size() + " kinds, core collector '" + c.coreCollector().commandLine()
                    + "'); give another results directory, or the same options");
        }
    }

    /** A header line that does not parse: the crash came before the first scenario; start over. */
    private static final class TornHeader extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
    }
}
