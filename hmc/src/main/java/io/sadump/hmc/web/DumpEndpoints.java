package io.sadump.hmc.web;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.sadump.archive.ArchiveCompression;
import io.sadump.archive.DumpArchiveWriter;
import io.sadump.archive.DumpInfo;
import io.sadump.archive.DumpOpener;
import io.sadump.archive.OpenedDump;
import io.sadump.archive.SystemSelection;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpProgressListener;
import io.sadump.hmc.DumpEntry;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.TaskRecord;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine's dumps: the list with the facts {@code zgetdump -i} shows, a download (streamed from the file,
 * never loaded into memory), and "archive": the {@code sadump archive create} library writes
 * {@code DIR/archives/<dump>-<time>.tar.zst} (zstd, the dump as ELF, SHA256SUMS), beside and renamed into
 * place when complete, with progress to the machine's watchers.
 *
 * <p>A dump is named in URLs by an id derived from its path (a digest), and found again in the machine's own
 * list: a browser can only name dumps the machine has, never a path.
 */
final class DumpEndpoints {
    static final String ARCHIVES = "archives";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final HmcSite site;
    private final BrowserSessions sessions;
    private final ConsoleEndpoints console;
    private final MessageStream messages;
    private final TaskGate gate;

    DumpEndpoints(HmcSite site, BrowserSessions sessions, ConsoleEndpoints console, MessageStream messages,
            TaskGate gate) {
        this.site = site;
        this.sessions = sessions;
        this.console = console;
        this.messages = messages;
        this.gate = gate;
    }

    static String id(DumpEntry e) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(e.path().toAbsolutePath().normalize().toString()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(x);
        }
    }

    /** The dump's name as the list shows it: the path inside the machine directory. */
    static String name(HmcMachine m, DumpEntry e) {
        Path rel = m.path().toAbsolutePath().normalize().relativize(e.path().toAbsolutePath().normalize());
        return rel.toString();
    }

    private static DumpEntry find(HmcMachine m, String id) {
        for (DumpEntry e : m.dumps()) {
            if (id(e).equals(id)) {
                return e;
            }
        }
        throw new NotFoundResponse("no such dump on " + m.name() + " (it may have been replaced: reload the list)");
    }

    /** {@code GET /ui/machines/{m}/dumps}. */
    void list(Context ctx) {
        BrowserSessions.Caller c = sessions.require(ctx);
        HmcMachine m = console.machine(c, WebTask.DUMPS, ctx.pathParam("m"));
        List<Object> out = new ArrayList<>();
        for (DumpEntry e : m.dumps()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", id(e));
            d.put("name", name(m, e));
            d.put("kind", e.info().map(DumpInfo::format).orElse(e.kind()));
            d.put("time", e.time().toString());
            d.put("bytes", e.bytes());
            d.put("complete", e.complete());
            d.put("facts", WebJson.facts(e));
            out.add(d);
        }
        ctx.json(Map.of("dumps", out));
    }

    /** {@code GET /ui/machines/{m}/dumps/{id}/download}: the file as it is, streamed. */
    void download(Context ctx) throws IOException {
        BrowserSessions.Caller c = sessions.require(ctx);
        HmcMachine m = console.machine(c, WebTask.DOWNLOAD, ctx.pathParam("m"));
        DumpEntry e = find(m, ctx.pathParam("id"));
        String file = m.name() + "-" + name(m, e).replaceAll("[^A-Za-z0-9._-]", "_");
        audit(c, m, WebTask.DOWNLOAD, "dump=" + name(m, e), e.bytes() + " bytes");
        ctx.contentType("application/octet-stream");
        ctx.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
        ctx.header("Content-Length", Long.toString(Files.size(e.path())));
        InputStream in = Files.newInputStream(e.path());
        ctx.result(in); // Javalin streams it and closes it
    }

    /** {@code POST /ui/machines/{m}/dumps/{id}/archive}: the archive, with progress as SSE {@code archive}. */
    void archive(Context ctx) throws IOException {
        BrowserSessions.Caller c = sessions.require(ctx);
        sessions.checkCsrf(ctx, c);
        HmcMachine m = console.machine(c, WebTask.ARCHIVE, ctx.pathParam("m"));
        DumpEntry e = find(m, ctx.pathParam("id"));
        Path dir = m.path().resolve(ARCHIVES);
        Path out = dir.resolve(name(m, e).replaceAll("[^A-Za-z0-9._-]", "_") + "-" + STAMP.format(e.time())
                + ".tar.zst");
        String options = "dump=" + name(m, e) + " archive=" + ARCHIVES + "/" + out.getFileName();
        DumpArchiveWriter.Created created;
        try (TaskGate.Ticket ticket = gate.enter(); MachineLock lock = lock(m)) {
            // the machine's lock: no Load writes the device while its dump is read
            Files.createDirectories(dir);
            DumpProgressListener progress = new DumpProgressListener() {
                @Override
                public void progress(long done, long total, long fileBytes) {
                    messages.archiveProgress(m, done, total);
                }
            };
            try (OpenedDump opened = DumpOpener.open(List.of(e.path()))) {
                DumpInfo facts = DumpInfo.of(opened);
                opened.dump().requireComplete();
                Optional<SystemSelection> selection = facts.kdump().isPresent() ? Optional.of(SystemSelection.PROD)
                        : Optional.empty();
                SystemSelection.Selected chosen = selection.isEmpty()
                        ? new SystemSelection.Selected(opened.dump().memory(), opened.dump().metadata())
                        : selection.get().apply(opened.dump().memory(), opened.dump().metadata(), facts.kdump().get());
                DumpArchiveWriter.Options o = new DumpArchiveWriter.Options(ArchiveCompression.ZSTD,
                        ArchiveCompression.ZSTD.defaultLevel(), Optional.of(DumpFormat.ELF), Optional.empty(),
                        Math.max(1, Runtime.getRuntime().availableProcessors()), progress, selection);
                created = DumpArchiveWriter.create(opened, chosen.memory(), chosen.metadata(), facts, out, o);
            }
        } catch (IOException | RuntimeException x) {
            audit(c, m, WebTask.ARCHIVE, options, "failed: " + x.getMessage());
            throw x;
        }
        audit(c, m, WebTask.ARCHIVE, options, created.archiveBytes() + " bytes");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("archive", ARCHIVES + "/" + created.archive().getFileName());
        r.put("bytes", created.archiveBytes());
        List<Object> members = new ArrayList<>();
        for (DumpArchiveWriter.Member mem : created.members()) {
            members.add(Map.of("name", mem.name(), "size", mem.size(), "sha256", mem.sha256()));
        }
        r.put("members", members);
        ctx.json(r);
    }

    private void audit(BrowserSessions.Caller c, HmcMachine m, WebTask task, String options, String outcome) {
        site.audit().record(new TaskRecord(Instant.now(), c.user().name(), c.origin(), m.name(),
                m.path().toAbsolutePath().toString(), task.task.title(), options, true, outcome));
    }

    private static MachineLock lock(HmcMachine m) {
        MachineDirectory d = m.directory();
        return d.lock();
    }
}
