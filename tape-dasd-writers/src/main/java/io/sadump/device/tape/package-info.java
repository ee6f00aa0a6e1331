/**
 * The 3480/3490 tape driver on AWSTAPE image files (docs/formats.md, section 8): the 6-byte chunk
 * header ({@link io.sadump.device.tape.AwsChunkHeader}) and a drive with block reads and writes, tape
 * marks, spacing, rewind and end of volume at a set capacity ({@link io.sadump.device.tape.TapeDrive}).
 *
 * <p>May use: {@code io.sadump.device} (exceptions, fault injection) and {@code io.sadump.machine}.
 */
package io.sadump.device.tape;
