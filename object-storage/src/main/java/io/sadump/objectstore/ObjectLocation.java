package io.sadump.objectstore;

import io.sadump.machine.InvalidValueException;
import java.util.Locale;

/**
 * An object in a bucket, as a user writes it: {@code s3://BUCKET/KEY}. The key is everything after
 * the bucket's slash, kept as written (S3 keys may hold further slashes).
 */
public record ObjectLocation(String bucket, String key) {
    /** The scheme that marks an object-storage name on the command line. */
    public static final String SCHEME = "s3://";

    public ObjectLocation {
        checkBucket(bucket);
        if (key.isEmpty()) {
            throw new InvalidValueException("an object name is s3://BUCKET/KEY; the key is missing in " + SCHEME
                    + bucket + "/");
        }
    }

    /** Whether {@code name} names an object ({@code s3://...}) rather than a local file. */
    public static boolean isObjectName(String name) {
        return name.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** Parses {@code s3://BUCKET/KEY}. */
    public static ObjectLocation parse(String name) {
        String rest = afterScheme(name);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new InvalidValueException("an object name is s3://BUCKET/KEY, not '" + name + "' (no key)");
        }
        return new ObjectLocation(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** Parses {@code s3://BUCKET} (a trailing slash allowed): a bucket, for commands on the whole bucket. */
    public static String parseBucket(String name) {
        String rest = afterScheme(name);
        String bucket = rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
        if (bucket.contains("/")) {
            throw new InvalidValueException("a bucket is s3://BUCKET, not '" + name + "'");
        }
        checkBucket(bucket);
        return bucket;
    }

    private static String afterScheme(String name) {
        if (!isObjectName(name)) {
            throw new InvalidValueException("an object name starts with " + SCHEME + ", not '" + name + "'");
        }
        return name.substring(SCHEME.length());
    }

    /** S3's bucket naming rules, checked here so that a typo is a usage error and not a signature error. */
    private static void checkBucket(String bucket) {
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new InvalidValueException("'" + bucket + "' is not a bucket name (3 to 63 characters: lower-case "
                    + "letters, digits, dots and hyphens, starting and ending with a letter or digit)");
        }
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }

    /** The last part of the key, for names that follow it (a compression from {@code .tar.zst}). */
    public String fileName() {
        int slash = key.lastIndexOf('/');
        return (slash < 0 ? key : key.substring(slash + 1)).toLowerCase(Locale.ROOT);
    }
}
