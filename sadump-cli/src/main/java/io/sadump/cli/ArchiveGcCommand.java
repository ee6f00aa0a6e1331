package io.sadump.cli;

import io.sadump.machine.InvalidValueException;
import io.sadump.objectstore.ObjectLocation;
import io.sadump.objectstore.ObjectStore;
import io.sadump.objectstore.ObjectStoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump archive gc s3://BUCKET}: drop the parts of uploads that never completed. */
@Command(
        name = "gc",
        header = "Abort the incomplete archive uploads of a bucket.",
        mixinStandardHelpOptions = true,
        description = {
            "List the multipart uploads of BUCKET that were started longer ago than",
            "--older-than and never completed (an 'archive create' killed with kill -9,",
            "or a store that went away mid-upload), and abort them: the store frees their",
            "parts. No object is touched. An upload still running is younger than the",
            "age (default 24h), so it is left alone; --older-than 0 takes all.",
            ""
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done (also when there was nothing to do)", "1:the store refused or could not be reached",
            "2:wrong usage"},
        footer = {
            "",
            "Examples:",
            "  sadump archive gc s3://dumps",
            "  sadump archive gc s3://dumps --older-than 2h --dry-run",
            "  sadump archive gc s3://dumps --endpoint http://minio:9000 --path-style --json",
        })
final class ArchiveGcCommand implements Callable<Integer> {
    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhd]?)");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "s3://BUCKET", description = "The bucket.")
    String bucket;

    @Option(names = "--older-than", paramLabel = "AGE", description = "Only uploads started before this long ago: "
            + "N followed by s, m, h or d (default 24h).")
    String olderThan = "24h";

    @Option(names = "--dry-run", description = "List what would be aborted; abort nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Mixin
    ObjectStoreOptions store = new ObjectStoreOptions();

    /** An age as the option takes it: {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}; a bare number is seconds. */
    static Duration age(String text) {
        Matcher m = AGE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InvalidValueException("--older-than is a number followed by s, m, h or d (24h), not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    @Override
    public Integer call() throws IOException {
        String name = ObjectLocation.parseBucket(bucket);
        Duration minAge = age(olderThan);
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        try (ObjectStore s3 = store.open()) {
            // 0 takes all, whatever clock the store stamped the uploads with
            Instant before = minAge.isZero() ? Instant.MAX : now.minus(minAge);
            List<ObjectStore.IncompleteUpload> found = s3.incompleteUploads(name, before);
            List<ObjectStore.IncompleteUpload> aborted = new ArrayList<>();
            ObjectStoreException failed = null;
            for (ObjectStore.IncompleteUpload u : found) {
                if (dryRun) {
                    continue;
                }
                try {
                    s3.abort(u);
                    aborted.add(u);
                } catch (ObjectStoreException e) {
                    failed = failed == null ? e : failed; // the others are still tried
                }
            }
            if (json) {
                JsonWriter j = new JsonWriter(out).beginObject();
                j.field("bucket", name).field("store", s3.where()).field("olderThanSeconds", minAge.getSeconds())
                        .field("dryRun", dryRun);
                j.name("uploads").beginArray();
                for (ObjectStore.IncompleteUpload u : found) {
                    j.beginObject().field("key", u.key()).field("uploadId", u.uploadId())
                            .field("initiated", u.initiated().toString()).field("ageSeconds", u.age(now).getSeconds())
                            .field("aborted", aborted.contains(u)).endObject();
                }
                j.endArray().endObject();
                j.finish();
            } else {
                out.printf(Locale.ROOT, "Incomplete uploads in s3://%s older than %s: %d%n", name, olderThan.trim(),
                        found.size());
                for (ObjectStore.IncompleteUpload u : found) {
                    String what = dryRun ? "would abort" : aborted.contains(u) ? "aborted" : "NOT aborted";
                    out.printf(Locale.ROOT, "  %-11s s3://%s/%s (started %s, %s ago, upload %s)%n", what, name,
                            u.key(), u.initiated(), ageText(u.age(now)), u.uploadId());
                }
                if (dryRun && !found.isEmpty()) {
                    out.println("Dry run: nothing was aborted.");
                }
            }
            out.flush();
            if (failed != null) {
                throw failed;
            }
            return 0;
        }
    }

    private static String ageText(Duration d) {
        long s = d.getSeconds();
        if (s >= 86_400) {
            return s / 86_400 + "d" + (s % 86_400) / 3600 + "h";
        }
        if (s >= 3600) {
            return s / 3600 + "h" + (s % 3600) / 60 + "m";
        }
        return s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
    }
}
