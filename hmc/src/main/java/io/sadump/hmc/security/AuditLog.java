package io.sadump.hmc.security;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sadump.hmc.TaskRecord;
import io.sadump.hmc.TaskRecorder;
import io.sadump.machine.MachineException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The HMC's audit log: {@value #FILE} in the state directory, append-only JSON lines, one per logon
 * (allowed or refused), logout, user change and task (allowed or refused), with who, from where, when
 * (UTC), which machine, which task, the options and the outcome (ASVS 16.2.1).
 *
 * <p>Each line carries {@code prev}, the SHA-256 of the line before it (64 zeros for the first), so a
 * line changed, removed or inserted afterwards breaks the chain, and {@link #read} says where. Lines are
 * appended with {@code O_APPEND} under a file lock (so two processes never both take the same
 * predecessor) and forced to disk before the task goes on. Text is escaped as JSON with every
 * character outside printable ASCII written as a JSON \\u escape of four hex digits, so a user name or
 * an OS message cannot forge a line (no log injection; ASVS 16.4.1).
 */
public final class AuditLog implements TaskRecorder {
    public static final String FILE = "audit.log";
    static final String LOCK = "audit.lock";
    static final String GENESIS = "0".repeat(64);

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).build();

    private final Path file;
    private final Path lockFile;
    private final Clock clock;

    /** What {@link #read} found: the entries, and where the chain breaks if it does. */
    public record Report(List<AuditEntry> entries, Optional<String> broken) {
        public boolean intact() {
            return broken.isEmpty();
        }
    }

    public AuditLog(HmcState state) {
        this(state, Clock.systemUTC());
    }

    public AuditLog(HmcState state, Clock clock) {
        this.file = state.file(FILE);
        this.lockFile = state.file(LOCK);
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /** Appends {@code e}; throws when it cannot be written (the action must not go on unrecorded). */
    public void append(AuditEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", e.time().toString());
        n.put("event", e.event());
        n.put("user", e.user());
        n.put("address", e.address());
        e.machine().ifPresent(m -> n.put("machine", m));
        e.dir().ifPresent(d -> n.put("dir", d));
        n.put("task", e.task());
        n.put("options", e.options());
        n.put("allowed", e.allowed());
        n.put("outcome", e.outcome());
        // one writer at a time: in this JVM by the monitor, across processes by the lock file (not the log
        // itself: closing the reading channel of the log would drop a lock held on it)
        synchronized (FileLocks.monitor(lockFile)) {
            appendLocked(n);
        }
    }

    private void appendLocked(ObjectNode n) {
        try (FileChannel lc = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lc.lock(); // held until lc closes
            appendHolding(n);
        } catch (IOException x) {
            throw new MachineException("cannot write the audit log " + file + ": " + x.getMessage(), x);
        }
    }

    private void appendHolding(ObjectNode n) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            HmcState.restrict(lockFile, HmcState.FILE_MODE);
            HmcState.restrict(file, HmcState.FILE_MODE);
            try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
                n.put("prev", sha256(lastLine(reader)));
            }
            byte[] line = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /** A logon, allowed or refused (a refusal never says whether the user exists). */
    public void login(String user, String address, boolean allowed, String outcome) {
        append(new AuditEntry(clock.instant(), AuditEntry.LOGIN, user, address, Optional.empty(), Optional.empty(),
                "Logon", "", allowed, outcome));
    }

    public void logout(String user, String address, String outcome) {
        append(new AuditEntry(clock.instant(), AuditEntry.LOGOUT, user, address, Optional.empty(), Optional.empty(),
                "Logoff", "", true, outcome));
    }

    /** A change of the users ({@code action}: {@code add user bob role operator}). */
    public void userChange(String user, String address, String action, boolean allowed, String outcome) {
        append(new AuditEntry(clock.instant(), AuditEntry.USER, user, address, Optional.empty(), Optional.empty(),
                "Manage Users", action, allowed, outcome));
    }

    /** A task refused before it reached the machine (not permitted, unknown machine). */
    public void refused(String user, String address, String machine, String task, String options, String why) {
        append(new AuditEntry(clock.instant(), AuditEntry.TASK, user, address, Optional.ofNullable(machine),
                Optional.empty(), task, options, false, why));
    }

    /** A task run (or refused) on a machine: {@link io.sadump.hmc.HmcMachine} records through here. */
    @Override
    public void record(TaskRecord r) {
        append(new AuditEntry(r.time(), AuditEntry.TASK, r.user(), r.origin(), Optional.of(r.machine()),
                Optional.of(r.dir()), r.task(), r.options(), r.allowed(), r.outcome()));
    }

    /** Every entry, oldest first, and whether the hash chain holds. */
    public Report read() {
        return read(e -> true);
    }

    /** The entries {@code filter} keeps; the chain is checked over all of them. */
    public Report read(Predicate<AuditEntry> filter) {
        List<AuditEntry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return new Report(out, Optional.empty());
        }
        Optional<String> broken = Optional.empty();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            String prev = GENESIS;
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                JsonNode j;
                try {
                    j = JSON.readTree(line);
                } catch (IOException e) {
                    if (broken.isEmpty()) {
                        broken = Optional.of("line " + n + " is not a JSON entry");
                    }
                    prev = sha256(line);
                    continue;
                }
                if (broken.isEmpty() && !prev.equals(j.path("prev").asText())) {
                    broken = Optional.of("line " + n + ": the chain breaks (the line before it was changed, removed "
                            + "or inserted)");
                }
                prev = sha256(line);
                AuditEntry e;
                try {
                    e = new AuditEntry(Instant.parse(j.path("time").asText()), j.path("event").asText(),
                            j.path("user").asText(), j.path("address").asText(), text(j, "machine"), text(j, "dir"),
                            j.path("task").asText(), j.path("options").asText(), j.path("allowed").asBoolean(),
                            j.path("outcome").asText());
                } catch (RuntimeException x) {
                    if (broken.isEmpty()) {
                        broken = Optional.of("line " + n + " is not an audit entry");
                    }
                    continue;
                }
                if (filter.test(e)) {
                    out.add(e);
                }
            }
        } catch (IOException e) {
            throw new MachineException("cannot read the audit log " + file + ": " + e.getMessage(), e);
        }
        return new Report(out, broken);
    }

    private static Optional<String> text(JsonNode j, String field) {
        JsonNode v = j.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    /** The last whole line of the log (without its newline), "" when empty: read backwards from the end. */
    private static String lastLine(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return null;
        }
        long end = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, end - 1);
        if (one.get(0) == '\n') {
            end--;
        }
        long start = end;
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        while (start > 0) {
            long from = Math.max(0, start - chunk.capacity());
            chunk.clear().limit((int) (start - from));
            ch.read(chunk, from);
            int nl = -1;
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl >= 0) {
                start = from + nl + 1;
                break;
            }
            start = from;
        }
        ByteBuffer line = ByteBuffer.allocate((int) (end - start));
        while (line.hasRemaining() && ch.read(line, start + line.position()) > 0) {
            // the whole line
        }
        return new String(line.array(), StandardCharsets.UTF_8);
    }

    static String sha256(String line) {
        if (line == null) {
            return GENESIS;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
