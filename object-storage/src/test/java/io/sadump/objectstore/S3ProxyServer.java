package io.sadump.objectstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real S3-compatible server for tests: s3proxy (org.gaul:s3proxy) with its filesystem backend in a
 * directory, on 127.0.0.1, checking AWS signatures (v2 or v4) for one identity. It runs as a child JVM
 * from the classpath the build wrote beside this class, so that its libraries (Jetty 11, Jackson, the
 * AWS SDK v1) stay out of the tests' own classpath.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String IDENTITY = "sadump-test-key";
    public static final String CREDENTIAL = "sadump-test-secret";
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;
    private final Path data;
    private final Path log;

    private S3ProxyServer(Process process, URI endpoint, Path data, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.data = data;
        this.log = log;
    }

    /** Starts s3proxy with its data under {@code dir} and waits until it accepts connections. */
    public static S3ProxyServer start(Path dir) throws IOException, InterruptedException {
        String classpath = classpath();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path data = Files.createDirectories(dir.resolve("s3-data"));
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                // s3proxy answers 501 to headers it does not implement, x-amz-checksum-* among them; AWS S3
                // checks each part's CRC32C, s3proxy takes the part without
                "s3proxy.ignore-unknown-headers=true",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data,
                ""), StandardCharsets.UTF_8);
        Path log = dir.resolve("s3proxy.log");
        // s3proxy's logback logs every request at DEBUG without a configuration: hundreds of MB per GB moved
        Path logback = dir.resolve("s3proxy-logback.xml");
        Files.writeString(logback, "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                + "<encoder><pattern>%d %-5level %logger{20} - %msg%n</pattern></encoder></appender>"
                + "<root level=\"WARN\"><appender-ref ref=\"OUT\"/></root></configuration>\n", StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m",
                "-Dlogback.configurationFile=" + logback, "-cp", classpath, "org.gaul.s3proxy.Main",
                "--properties", props.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3ProxyServer server = new S3ProxyServer(p, endpoint, data, log);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("s3proxy exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return server;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    server.close();
                    throw new IOException("s3proxy did not listen on " + endpoint + " within " + START_TIMEOUT + ": "
                            + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
    }

    private static String classpath() throws IOException {
        try (InputStream in = S3ProxyServer.class.getResourceAsStream("s3proxy.classpath")) {
            if (in == null) {
                throw new IOException("s3proxy.classpath is missing beside S3ProxyServer: build object-storage with "
                        + "Maven (its maven-dependency-plugin writes it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The URL for {@code --endpoint}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The filesystem backend's directory: one directory per bucket, one file per object. */
    public Path data() {
        return data;
    }

    /** Creates a bucket (a directory of the filesystem backend). */
    public void createBucket(String bucket) throws IOException {
        Files.createDirectories(data.resolve(bucket));
    }

    /** The file that holds an object, if it exists. */
    public Optional<Path> objectFile(String bucket, String key) {
        Path f = data.resolve(bucket).resolve(key);
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    /** The server's output so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
