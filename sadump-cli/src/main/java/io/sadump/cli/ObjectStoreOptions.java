package io.sadump.cli;

import io.sadump.objectstore.ObjectStore;
import io.sadump.objectstore.ObjectStoreException;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --endpoint}, {@code --path-style}, {@code --region}: where an {@code s3://} name is, for the
 * commands that take one. Credentials are never options: they come from the SDK's default chain
 * (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws), so they stay out of shell
 * histories and process lists.
 */
final class ObjectStoreOptions {
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "For s3:// names: an S3-compatible store (MinIO, Ceph, s3proxy...), e.g. http://host:9000; "
                    + "default AWS S3.")
    String endpoint;

    @Option(names = "--path-style", description = "For s3:// names: the bucket in the URL's path, not its host name "
            + "(most S3-compatible stores want this).")
    boolean pathStyle;

    @Option(names = "--region", paramLabel = "REGION", description = "For s3:// names: the region (default: "
            + "AWS_REGION or the profile's; us-east-1 with --endpoint).")
    String region;

    ObjectStore open() throws ObjectStoreException {
        return ObjectStore.open(new ObjectStore.Settings(
                Optional.ofNullable(endpoint).map(ObjectStore.Settings::endpoint), pathStyle,
                Optional.ofNullable(region)));
    }

    /** Whether an option was given that only an s3:// name uses. */
    boolean given() {
        return endpoint != null || pathStyle || region != null;
    }
}
