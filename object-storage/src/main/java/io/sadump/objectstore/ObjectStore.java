package io.sadump.objectstore;

import io.sadump.machine.InvalidValueException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One S3-compatible object store, as the command line names it: the endpoint (AWS when none is
 * given), the region and whether bucket names go in the path. Credentials come from the SDK's default
 * chain: the {@code aws.accessKeyId}/{@code aws.secretAccessKey} system properties, the environment
 * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}), the profile files, the container and
 * instance roles.
 *
 * <p>The HTTP client is the SDK's {@code url-connection-client} (the JDK's {@code HttpURLConnection}):
 * requests here are sequential and large, so a connection pool buys nothing, and it adds no library
 * (the Apache client brings httpclient, httpcore, commons-logging and commons-codec; Netty is for
 * the asynchronous client, which is not used).
 */
public final class ObjectStore implements AutoCloseable {
    /** The region when an endpoint is given and nothing else names one (S3-compatible stores ignore it). */
    public static final String FALLBACK_REGION = "us-east-1";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(2);

    /**
     * How to reach the store.
     *
     * @param endpoint the store's URL ({@code http://127.0.0.1:9000}); empty: AWS S3
     * @param pathStyle bucket names in the path ({@code host/bucket/key}) rather than in the host name
     * @param region the region; empty: the SDK's settings ({@code AWS_REGION}, the profile), else
     *     {@value #FALLBACK_REGION} with an endpoint
     */
    public record Settings(Optional<URI> endpoint, boolean pathStyle, Optional<String> region) {
        public static Settings aws() {
            return new Settings(Optional.empty(), false, Optional.empty());
        }

        /** Parses an {@code --endpoint} value: an http or https URL. */
        public static URI endpoint(String url) {
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("--endpoint is a URL such as http://127.0.0.1:9000, not '" + url + "'", e);
            }
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw new InvalidValueException("--endpoint is an http:// or https:// URL with a host, not '" + url + "'");
            }
            return u;
        }
    }

    private final S3Client s3;
    private final String where;

    private ObjectStore(S3Client s3, String where) {
        this.s3 = s3;
        this.where = where;
    }

    /**
     * Connects: finds the region and the credentials (no request is sent yet).
     *
     * @throws ObjectStoreException when there are no credentials or no region
     */
    public static ObjectStore open(Settings settings) throws ObjectStoreException {
        String region = region(settings);
        DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        try {
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            credentials.close();
            throw new ObjectStoreException("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                    + "AWS_PROFILE with a profile in ~/.aws/credentials", e);
        }
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .credentialsProvider(credentials)
                .region(Region.of(region))
                .forcePathStyle(settings.pathStyle())
                // a part is in memory anyway: signed whole (over http) rather than as aws-chunked pieces, which
                // S3-compatible stores decode and check piece by piece, slowly
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                // parts carry the CRC32C computed here (MultipartUpload); nothing else needs the SDK's own
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(b::endpointOverride);
        b.overrideConfiguration(o -> o.addExecutionInterceptor(new NoExpectContinue()));
        String where = settings.endpoint().map(URI::toString).orElse("AWS S3 (" + region + ")");
        return new ObjectStore(b.build(), where);
    }

    private static String region(Settings settings) throws ObjectStoreException {
        if (settings.region().isPresent()) {
            return settings.region().get();
        }
        try {
            // the settings a user makes (AWS_REGION, aws.region, the profile) before any remote lookup
            return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                    .getRegion().id();
        } catch (SdkClientException none) {
            if (settings.endpoint().isPresent()) {
                return FALLBACK_REGION;
            }
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (SdkClientException e) {
            throw new ObjectStoreException("no AWS region: give --region, or set AWS_REGION", e);
        }
    }

    /** Where the store is, for messages: its endpoint, or AWS S3 and the region. */
    public String where() {
        return where;
    }

    /** Starts a multipart upload to {@code location}; nothing appears there until it is completed. */
    public MultipartUpload upload(ObjectLocation location) throws ObjectStoreException {
        return MultipartUpload.start(this, location);
    }

    /** Whether an object exists at {@code location}. */
    public boolean exists(ObjectLocation location) throws ObjectStoreException {
        try {
            s3.headObject(r -> r.bucket(location.bucket()).key(location.key()));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
                return false;
            }
            throw failure(e, location.toString(), location.bucket());
        } catch (SdkException e) {
            throw failure(e, location.toString(), location.bucket());
        }
    }

    /** The object as a stream (one GetObject, read as it arrives). */
    public InputStream read(ObjectLocation location) throws ObjectStoreException {
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(location.bucket())
                    .key(location.key()));
            return new FailureNamingStream(in, this, location);
        } catch (SdkException e) {
            throw failure(e, location.toString(), location.bucket());
        }
    }

    /** The object as a seekable channel, read with ranged GETs through a block cache. */
    public RangedObjectChannel channel(ObjectLocation location) throws ObjectStoreException {
        HeadObjectResponse head;
        try {
            head = s3.headObject(r -> r.bucket(location.bucket()).key(location.key()));
        } catch (SdkException e) {
            throw failure(e, location.toString(), location.bucket());
        }
        return new RangedObjectChannel(this, location, head.contentLength(), head.eTag());
    }

    /** A multipart upload that was started and neither completed nor aborted. */
    public record IncompleteUpload(String bucket, String key, String uploadId, Instant initiated) {
        public Duration age(Instant now) {
            return Duration.between(initiated, now);
        }
    }

    /** The incomplete multipart uploads of {@code bucket} started before {@code before}. */
    public List<IncompleteUpload> incompleteUploads(String bucket, Instant before) throws ObjectStoreException {
        List<IncompleteUpload> found = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        try {
            while (true) {
                ListMultipartUploadsRequest.Builder req = ListMultipartUploadsRequest.builder().bucket(bucket);
                if (keyMarker != null) {
                    req.keyMarker(keyMarker).uploadIdMarker(idMarker);
                }
                ListMultipartUploadsResponse page = s3.listMultipartUploads(req.build());
                for (software.amazon.awssdk.services.s3.model.MultipartUpload u : page.uploads()) {
                    if (u.initiated() != null && u.initiated().isBefore(before)) {
                        found.add(new IncompleteUpload(bucket, u.key(), u.uploadId(), u.initiated()));
                    }
                }
                if (!Boolean.TRUE.equals(page.isTruncated())) {
                    return found;
                }
                keyMarker = page.nextKeyMarker();
                idMarker = page.nextUploadIdMarker();
            }
        } catch (SdkException e) {
            throw failure(e, "s3://" + bucket, bucket);
        }
    }

    /** Aborts an incomplete upload: the store drops its parts. */
    public void abort(IncompleteUpload upload) throws ObjectStoreException {
        try {
            s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(upload.bucket()).key(upload.key())
                    .uploadId(upload.uploadId()).build());
        } catch (SdkException e) {
            throw failure(e, "s3://" + upload.bucket() + "/" + upload.key(), upload.bucket());
        }
    }

    /**
     * Drops the {@code Expect: 100-continue} the SDK puts on uploads: the JDK's HttpURLConnection then waits
     * for the interim answer up to its own timeout (seconds per part) whenever a server does not send one
     * early, and an upload refused for its signature costs one part's bytes at most.
     */
    private static final class NoExpectContinue implements ExecutionInterceptor {
        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            SdkHttpRequest r = context.httpRequest();
            return r.firstMatchingHeader("Expect").isPresent() ? r.toBuilder().removeHeader("Expect").build() : r;
        }
    }

    S3Client client() {
        return s3;
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** One line for an SDK failure on {@code what} (an object or a bucket). */
    ObjectStoreException failure(SdkException e, String what, String bucket) {
        if (e instanceof S3Exception s) {
            String code = errorCode(s);
            String detail = s.awsErrorDetails() == null || s.awsErrorDetails().errorMessage() == null ? ""
                    : s.awsErrorDetails().errorMessage();
            if ("NoSuchBucket".equals(code)) {
                return new ObjectStoreException(what + ": no such bucket '" + bucket + "' at " + where, e);
            }
            if ("NoSuchKey".equals(code) || (s.statusCode() == 404 && code == null)) {
                return new ObjectStoreException(what + ": no such object at " + where, e);
            }
            if ("SignatureDoesNotMatch".equals(code)) {
                return new ObjectStoreException(what + ": access denied: " + where + " refused the request's signature "
                        + "(a wrong secret key? check AWS_SECRET_ACCESS_KEY)", e);
            }
            if ("InvalidAccessKeyId".equals(code)) {
                return new ObjectStoreException(what + ": access denied: " + where + " does not know the access key "
                        + "(check AWS_ACCESS_KEY_ID)", e);
            }
            if (s.statusCode() == 403) {
                return new ObjectStoreException(what + ": access denied by " + where
                        + (detail.isEmpty() ? "" : ": " + detail), e);
            }
            if ("NoSuchUpload".equals(code)) {
                return new ObjectStoreException(what + ": the multipart upload is gone from " + where
                        + " (aborted, or cleaned by 'archive gc')", e);
            }
            return new ObjectStoreException(what + ": " + where + " answered " + s.statusCode()
                    + (code == null ? "" : " " + code) + (detail.isEmpty() ? "" : ": " + detail), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return new ObjectStoreException(what + ": cannot reach the object store at " + where + " ("
                        + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")", e);
            }
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return new ObjectStoreException(what + ": " + (nl < 0 ? m : m.substring(0, nl)), e);
    }

    /** An {@link IOException} for a failure while a stream or channel of {@code location} was read. */
    IOException readFailure(RuntimeException e, ObjectLocation location) {
        if (e instanceof SdkException s) {
            return failure(s, location.toString(), location.bucket());
        }
        throw e;
    }

    @Override
    public void close() {
        s3.close();
    }
}
