/**
 * Archives and dumps in S3-compatible object storage, through the AWS SDK for Java v2: {@link
 * io.sadump.objectstore.ObjectStore} connects (endpoint, region, path-style; credentials from the
 * SDK's default chain) and hands out a streamed multipart upload ({@link
 * io.sadump.objectstore.MultipartUpload}, a {@link java.nio.channels.WritableByteChannel}), an object
 * as a stream (GetObject) or as a seekable channel read with ranged GETs ({@link
 * io.sadump.objectstore.RangedObjectChannel}), and the incomplete uploads of a bucket for clean-up.
 * SDK failures become {@link io.sadump.objectstore.ObjectStoreException}s with one clear line.
 *
 * <p>Nothing here knows dumps or archives: the CLI joins this module to {@code dump-archive}'s
 * channel and stream entry points. May use: {@code io.sadump.machine} (its {@code
 * InvalidValueException}); the AWS SDK's {@code s3} with {@code url-connection-client}. Layout and
 * behaviour: docs/object-storage.md.
 */
package io.sadump.objectstore;
