package io.sadump.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The S3 access against a real S3-compatible server (s3proxy, filesystem backend) on 127.0.0.1. */
class ObjectStoreTest {
    static final String BUCKET = "dumps";
    @TempDir
    static Path dir;
    static S3ProxyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(dir);
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void rightCredentials() {
        credentials(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL);
    }

    static void credentials(String key, String secret) {
        System.setProperty("aws.accessKeyId", key);
        System.setProperty("aws.secretAccessKey", secret);
    }

    static ObjectStore store() throws ObjectStoreException {
        credentials(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL);
        return ObjectStore.open(new ObjectStore.Settings(Optional.of(server.endpoint()), true, Optional.empty()));
    }

    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = r.nextLong();
            for (int k = 0; k < 8 && i + k < size; k++) {
                b[i + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    /** Writes {@code data} in odd-sized pieces, as a compressor would. */
    static void write(MultipartUpload up, byte[] data, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, 1 + r.nextInt(3 << 20));
            up.write(ByteBuffer.wrap(data, at, n));
            at += n;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5000, MultipartUpload.PART_SIZE + 12345})
    void anUploadRoundTripsThroughTheStreamAndTheRangedChannel(int size) throws IOException {
        long seed = 17L * size + 3;
        byte[] data = random(seed, size);
        ObjectLocation loc = ObjectLocation.parse("s3://" + BUCKET + "/rt/" + size + ".bin");
        try (ObjectStore s3 = store(); MultipartUpload up = s3.upload(loc)) {
            write(up, data, seed);
            assertThat(s3.exists(loc)).as("nothing appears before complete (seed %d)", seed).isFalse();
            up.complete();
            assertThat(up.isCompleted()).isTrue();
            assertThat(s3.exists(loc)).isTrue();
            try (InputStream in = s3.read(loc)) {
                assertThat(in.readAllBytes()).as("seed %d", seed).isEqualTo(data);
            }
            try (RangedObjectChannel ch = s3.channel(loc)) {
                assertThat(ch.size()).isEqualTo(size);
                SplittableRandom r = new SplittableRandom(seed);
                for (int i = 0; i < 6 && size > 0; i++) {
                    long pos = r.nextLong(size);
                    int len = (int) Math.min(size - pos, 1 + r.nextInt(256 << 10));
                    ByteBuffer b = ByteBuffer.allocate(len);
                    ch.position(pos);
                    while (b.hasRemaining() && ch.read(b) > 0) {
                        // fill
                    }
                    assertThat(b.array()).as("seed %d, %d bytes at %d", seed, len, pos)
                            .isEqualTo(Arrays.copyOfRange(data, (int) pos, (int) pos + len));
                }
                ch.position(size);
                assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            }
        }
    }

    @Test
    void theRangedChannelCachesItsBlocks() throws IOException {
        byte[] data = random(5, 3 * RangedObjectChannel.BLOCK);
        ObjectLocation loc = ObjectLocation.parse("s3://" + BUCKET + "/cache.bin");
        try (ObjectStore s3 = store(); MultipartUpload up = s3.upload(loc)) {
            up.write(ByteBuffer.wrap(data));
            up.complete();
            try (RangedObjectChannel ch = s3.channel(loc)) {
                for (int i = 0; i < 100; i++) {
                    ch.position(i * 512L).read(ByteBuffer.allocate(512)); // headers near each other
                }
                assertThat(ch.requests()).isEqualTo(1);
                ch.position(2L * RangedObjectChannel.BLOCK + 10).read(ByteBuffer.allocate(10));
                assertThat(ch.requests()).isEqualTo(2);
            }
        }
    }

    @Test
    void anAbortedUploadLeavesTheOldObjectAndNoUpload() throws IOException {
        ObjectLocation loc = ObjectLocation.parse("s3://" + BUCKET + "/keep.bin");
        byte[] old = random(1, 1000);
        try (ObjectStore s3 = store()) {
            try (MultipartUpload up = s3.upload(loc)) {
                up.write(ByteBuffer.wrap(old));
                up.complete();
            }
            String id;
            try (MultipartUpload up = s3.upload(loc)) {
                id = up.uploadId();
                write(up, random(2, MultipartUpload.PART_SIZE + 100), 2);
                // closed without complete(): a failure in the writer
            }
            try (InputStream in = s3.read(loc)) {
                assertThat(in.readAllBytes()).isEqualTo(old);
            }
            assertThat(s3.incompleteUploads(BUCKET, Instant.now().plusSeconds(60)))
                    .extracting(ObjectStore.IncompleteUpload::uploadId).doesNotContain(id);
        }
    }

    @Test
    void incompleteUploadsAreListedByAgeAndAborted() throws IOException {
        ObjectLocation loc = ObjectLocation.parse("s3://" + BUCKET + "/left.bin");
        try (ObjectStore s3 = store()) {
            MultipartUpload up = s3.upload(loc); // left as a killed process leaves it
            up.write(ByteBuffer.wrap(random(3, MultipartUpload.PART_SIZE + 1)));
            up.awaitInFlight(); // the first part is stored
            assertThat(s3.incompleteUploads(BUCKET, Instant.now().minusSeconds(3600))).isEmpty();
            List<ObjectStore.IncompleteUpload> found = s3.incompleteUploads(BUCKET, Instant.now().plusSeconds(60));
            assertThat(found).extracting(ObjectStore.IncompleteUpload::uploadId).contains(up.uploadId());
            for (ObjectStore.IncompleteUpload u : found) {
                s3.abort(u);
            }
            assertThat(s3.incompleteUploads(BUCKET, Instant.now().plusSeconds(60))).isEmpty();
            assertThat(s3.exists(loc)).isFalse();
        }
    }

    @Test
    void aWrongSecretIsRefusedAsASignatureMismatch() throws IOException {
        try (ObjectStore s3 = store()) {
            credentials(S3ProxyServer.IDENTITY, "not-the-secret");
            try (ObjectStore wrong = ObjectStore.open(new ObjectStore.Settings(Optional.of(server.endpoint()), true,
                    Optional.empty()))) {
                assertThatThrownBy(() -> wrong.upload(ObjectLocation.parse("s3://" + BUCKET + "/x")))
                        .isInstanceOf(ObjectStoreException.class)
                        .hasMessageContaining("access denied").hasMessageContaining("signature");
            }
        }
    }

    @Test
    void aMissingBucketAndAMissingObjectAreNamed() throws IOException {
        try (ObjectStore s3 = store()) {
            assertThatThrownBy(() -> s3.read(ObjectLocation.parse("s3://nobucket/x")))
                    .isInstanceOf(ObjectStoreException.class).hasMessageContaining("no such bucket 'nobucket'");
            assertThatThrownBy(() -> s3.read(ObjectLocation.parse("s3://" + BUCKET + "/missing")))
                    .isInstanceOf(ObjectStoreException.class).hasMessageContaining("no such object");
            assertThatThrownBy(() -> s3.channel(ObjectLocation.parse("s3://" + BUCKET + "/missing")))
                    .isInstanceOf(ObjectStoreException.class).hasMessageContaining("no such object");
        }
    }

    @Test
    void anUnreachableEndpointSaysSo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        credentials(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL);
        try (ObjectStore s3 = ObjectStore.open(new ObjectStore.Settings(
                Optional.of(URI.create("http://127.0.0.1:" + port)), true, Optional.empty()))) {
            assertThatThrownBy(() -> s3.upload(ObjectLocation.parse("s3://" + BUCKET + "/x")))
                    .isInstanceOf(ObjectStoreException.class).hasMessageContaining("cannot reach the object store");
        }
    }

    @Test
    void namesAreParsedAndBadOnesRefused() {
        assertThat(ObjectLocation.parse("s3://dumps/a/b.tar.zst")).isEqualTo(new ObjectLocation("dumps", "a/b.tar.zst"));
        assertThat(ObjectLocation.parse("s3://dumps/a/B.tar.zst").fileName()).isEqualTo("b.tar.zst");
        assertThat(ObjectLocation.parseBucket("s3://dumps/")).isEqualTo("dumps");
        assertThatThrownBy(() -> ObjectLocation.parse("s3://dumps")).hasMessageContaining("no key");
        assertThatThrownBy(() -> ObjectLocation.parse("s3://Bad_Bucket/k")).hasMessageContaining("not a bucket name");
        assertThatThrownBy(() -> ObjectLocation.parseBucket("s3://dumps/k")).hasMessageContaining("a bucket is");
        assertThatThrownBy(() -> ObjectStore.Settings.endpoint("ftp://x")).hasMessageContaining("--endpoint");
    }

    @Test
    void partChecksumsAreS3sCrc32cForm() {
        // RFC 3720's CRC32C check value: "123456789" gives 0xE3069283
        CRC32C c = new CRC32C();
        c.update("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(c.getValue()).isEqualTo(0xE3069283L);
        assertThat(MultipartUpload.crc32cBase64(c.getValue())).isEqualTo("4waSgw==");
        assertThat(MultipartUpload.partSize(1)).isEqualTo(16 << 20);
        assertThat(MultipartUpload.partSize(MultipartUpload.PARTS_PER_SIZE + 1)).isEqualTo(32 << 20);
        assertThat(MultipartUpload.partSize(MultipartUpload.MAX_PARTS)).isEqualTo(64 << 20);
    }
}
