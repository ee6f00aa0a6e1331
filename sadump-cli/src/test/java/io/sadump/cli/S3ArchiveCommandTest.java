package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.objectstore.MultipartUpload;
import io.sadump.objectstore.ObjectLocation;
import io.sadump.objectstore.ObjectStore;
import io.sadump.objectstore.S3ProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archive create/verify/extract/gc} and {@code zgetdump} with s3:// names, against a real
 * S3-compatible server (s3proxy with its filesystem backend, a child JVM on 127.0.0.1). Runs in this
 * JVM take their credentials from the SDK chain's system properties; child JVMs (for SIGTERM and
 * kill -9) from the environment, as a user gives them.
 */
class S3ArchiveCommandTest {
    static final String BUCKET = "dumps";
    @TempDir
    static Path dir;
    static S3ProxyServer server;
    static Path dump;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(dir);
        server.createBucket(BUCKET);
        dump = DumpFiles.ext(dir, "dump.ext");
        rightCredentials();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void credentialsBack() {
        rightCredentials();
    }

    static void rightCredentials() {
        System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
    }

    static String[] s3(String... args) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        a.addAll(List.of("--endpoint", server.endpoint().toString(), "--path-style"));
        return a.toArray(String[]::new);
    }

    static ObjectStore store() throws IOException {
        return ObjectStore.open(new ObjectStore.Settings(Optional.of(server.endpoint()), true, Optional.empty()));
    }

    static List<ObjectStore.IncompleteUpload> incomplete() throws IOException {
        try (ObjectStore s = store()) {
            return s.incompleteUploads(BUCKET, Instant.now().plusSeconds(3600));
        }
    }

    /** One line on stderr, the command's name first: what a user sees of a failure. */
    static void oneLine(CliRun r, String command, String... contained) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err().strip()).as(r.err()).startsWith(command + ": ").doesNotContain("\n").doesNotContain("\tat ")
                .contains(contained);
    }

    @Test
    void createVerifyExtractFromTheStore() throws IOException {
        String name = "s3://" + BUCKET + "/sys1/d.tar.zst";
        CliRun c = CliRun.of(s3("archive", "create", dump.toString(), "-o", name, "--format", "s390"));
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(c.out()).contains("Archive: " + name + " (zstd, ").contains("uploaded to " + server.endpoint())
                .contains("dump.s390").contains("SHA256SUMS");
        assertThat(server.objectFile(BUCKET, "sys1/d.tar.zst")).isPresent();
        assertThat(incomplete()).isEmpty();

        CliRun v = CliRun.of(s3("archive", "verify", name));
        assertThat(v.exit()).as(v.err()).isZero();
        assertThat(v.out()).contains("Archive: " + name + " (zstd)").contains("OK  dump.s390").contains("OK  info.json");
        // the same archive as a local file checks out with the same digests
        Path local = dir.resolve("local.tar.zst");
        Files.copy(server.objectFile(BUCKET, "sys1/d.tar.zst").get(), local);
        CliRun lv = CliRun.of("archive", "verify", local.toString());
        assertThat(lv.out().replace(local.toString(), name)).isEqualTo(v.out());

        Path out = dir.resolve("restored");
        CliRun x = CliRun.of(s3("archive", "extract", name, "-o", out.toString()));
        assertThat(x.exit()).as(x.err()).isZero();
        CliRun i = CliRun.of("zgetdump", "-i", out.resolve("dump.s390").toString());
        assertThat(i.out()).contains("UTS node name......: " + DumpFiles.NODENAME);
    }

    @Test
    void aTamperedObjectIsRefused() throws IOException {
        String name = "s3://" + BUCKET + "/tampered.tar";
        assertThat(CliRun.of(s3("archive", "create", dump.toString(), "-o", name)).exit()).isZero();
        Path file = server.objectFile(BUCKET, "tampered.tar").get();
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x10; // inside dump.elf
        Files.write(file, b);
        oneLine(CliRun.of(s3("archive", "verify", name)), "sadump archive verify", name + ": ");
        Path out = dir.resolve("never");
        oneLine(CliRun.of(s3("archive", "extract", name, "-o", out.toString())), "sadump archive extract", name);
        assertThat(out).doesNotExist();
    }

    @Test
    void zgetdumpReadsADumpObjectWithRangedGets() throws IOException {
        Path elf = dir.resolve("z.elf");
        assertThat(CliRun.of("zgetdump", dump.toString(), "-o", elf.toString()).exit()).isZero();
        ObjectLocation loc = ObjectLocation.parse("s3://" + BUCKET + "/vmcore.elf");
        try (ObjectStore s = store(); MultipartUpload up = s.upload(loc)) {
            up.write(ByteBuffer.wrap(Files.readAllBytes(elf)));
            up.complete();
        }
        CliRun remote = CliRun.of(s3("zgetdump", "-i", loc.toString()));
        assertThat(remote.exit()).as(remote.err()).isZero();
        CliRun local = CliRun.of("zgetdump", "-i", elf.toString());
        assertThat(remote.out()).contains("UTS node name......: " + DumpFiles.NODENAME).isEqualTo(local.out());
        // a conversion reads the memory through the same channel
        Path s390 = dir.resolve("from-object.s390");
        CliRun conv = CliRun.of(s3("zgetdump", loc.toString(), "-f", "s390", "-o", s390.toString()));
        assertThat(conv.exit()).as(conv.err()).isZero();
        Path s390Local = dir.resolve("from-file.s390");
        assertThat(CliRun.of("zgetdump", elf.toString(), "-f", "s390", "-o", s390Local.toString()).exit()).isZero();
        assertThat(Files.mismatch(s390, s390Local)).isEqualTo(-1L);
        oneLine(CliRun.of(s3("zgetdump", "-i", "s3://" + BUCKET + "/nothing")), "sadump zgetdump", "no such object");
    }

    @Test
    void aWrongSecretIsRefusedByTheSignatureCheck() {
        System.setProperty("aws.secretAccessKey", "wrong-secret");
        oneLine(CliRun.of(s3("archive", "create", dump.toString(), "-o", "s3://" + BUCKET + "/w.tar.zst")),
                "sadump archive create", "access denied", "signature");
        oneLine(CliRun.of(s3("archive", "verify", "s3://" + BUCKET + "/w.tar.zst")), "sadump archive verify",
                "signature");
        assertThat(server.objectFile(BUCKET, "w.tar.zst")).isEmpty();
    }

    @Test
    void aMissingBucketAndAnUnreachableStoreAreOneLine() throws IOException {
        oneLine(CliRun.of(s3("archive", "create", dump.toString(), "-o", "s3://nobucket/x.tar.zst")),
                "sadump archive create", "no such bucket 'nobucket'");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        oneLine(CliRun.of("archive", "verify", "s3://" + BUCKET + "/x", "--endpoint", "http://127.0.0.1:" + port,
                "--path-style"), "sadump archive verify", "cannot reach the object store");
        CliRun usage = CliRun.of("archive", "create", dump.toString(), "-o", "s3://Not_A_Bucket/k");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("not a bucket name");
        assertThat(CliRun.of("archive", "verify", dir.resolve("x.tar").toString(), "--path-style").exit())
                .isEqualTo(2);
    }

    @Test
    void withoutCredentialsTheChildSaysSo() throws Exception {
        Process p = child(Map.of(), "archive", "verify", "s3://" + BUCKET + "/x", "--endpoint",
                server.endpoint().toString(), "--path-style");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("child.err"));
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(err.strip()).startsWith("sadump archive verify: no S3 credentials").doesNotContain("\n");
    }

    @Test
    void sigtermAbortsTheUploadAndKeepsTheOldObject() throws Exception {
        String key = "replaced.tar";
        String name = "s3://" + BUCKET + "/" + key;
        assertThat(CliRun.of(s3("archive", "create", dump.toString(), "-o", name, "--compress", "gzip")).exit())
                .isZero();
        byte[] old = Files.readAllBytes(server.objectFile(BUCKET, key).get());
        Process p = child(credentialsEnv(), s3("archive", "create", dump.toString(), "-o", name, "--compress", "xz",
                "--level", "7", "--threads", "1")); // slow, and its 184 MiB encoder fits the child's heap
        awaitUploadOf(key, p);
        p.destroy(); // SIGTERM: the CLI's shutdown hook aborts the upload
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("child.err"));
        assertThat(p.exitValue()).as(err).isNotZero();
        assertThat(err).contains("the upload to " + name + " was aborted");
        assertThat(Files.readAllBytes(server.objectFile(BUCKET, key).get())).isEqualTo(old);
        assertThat(incomplete()).isEmpty();
        assertThat(CliRun.of(s3("archive", "verify", name)).exit()).isZero();
    }

    @Test
    void killLeavesAnIncompleteUploadThatGcRemoves() throws Exception {
        String key = "killed.tar";
        Process p = child(credentialsEnv(), s3("archive", "create", dump.toString(), "-o", "s3://" + BUCKET + "/" + key,
                "--compress", "xz", "--level", "7", "--threads", "1")); // slow; fits the child's heap
        awaitUploadOf(key, p);
        p.destroyForcibly().waitFor(); // SIGKILL: no hook runs
        assertThat(server.objectFile(BUCKET, key)).isEmpty();
        assertThat(incomplete()).extracting(ObjectStore.IncompleteUpload::key).containsExactly(key);

        CliRun young = CliRun.of(s3("archive", "gc", "s3://" + BUCKET));
        assertThat(young.exit()).as(young.err()).isZero();
        assertThat(young.out()).contains("older than 24h: 0");
        CliRun dry = CliRun.of(s3("archive", "gc", "s3://" + BUCKET, "--older-than", "0", "--dry-run", "--json"));
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("\"key\": \"" + key + "\"").contains("\"aborted\": false");
        assertThat(incomplete()).hasSize(1);
        CliRun gc = CliRun.of(s3("archive", "gc", "s3://" + BUCKET, "--older-than", "0s"));
        assertThat(gc.exit()).as(gc.err()).isZero();
        assertThat(gc.out()).contains("older than 0s: 1").contains("aborted     s3://" + BUCKET + "/" + key);
        assertThat(incomplete()).isEmpty();
        assertThat(server.objectFile(BUCKET, key)).isEmpty();
    }

    private static Map<String, String> credentialsEnv() {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
    }

    /** Waits until the child's multipart upload to {@code key} exists in the store (its first part under way). */
    private static void awaitUploadOf(String key, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (incomplete().stream().noneMatch(u -> u.key().equals(key))) {
            if (!p.isAlive()) {
                throw new AssertionError("the child ended (exit " + p.exitValue() + ") before its upload was seen: "
                        + Files.readString(dir.resolve("child.err")));
            }
            assertThat(System.nanoTime()).as("no upload within 120 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** sadump in a child JVM of this test's classpath, with only {@code env} of the AWS settings. */
    private static Process child(Map<String, String> env, String... args) throws IOException {
        return child(env, dir.resolve("child.err"), args);
    }

    /** ... with its stderr in {@code err} (Process.destroy() closes the pipes, a file stays readable). */
    private static Process child(Map<String, String> env, Path err, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), SadumpCommand.class.getName()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("HOME", dir.resolve("home").toString()); // no ~/.aws profile
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true"); // no instance-metadata lookups off EC2
        pb.environment().putAll(env);
        return pb.start();
    }
}
