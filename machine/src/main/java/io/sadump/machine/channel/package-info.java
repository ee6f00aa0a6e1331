/**
 * The channel-I/O interfaces that dump devices implement and dump formats use: a partition of
 * 4096-byte blocks written by position ({@link io.sadump.machine.channel.DumpBlockSink}) and read by
 * byte offset ({@link io.sadump.machine.channel.DumpBlockSource}), a tape written and read block by
 * block with tape marks ({@link io.sadump.machine.channel.TapeBlockSink}, {@link
 * io.sadump.machine.channel.TapeBlockSource}), and the one condition every dump device signals the
 * same way, no room left ({@link io.sadump.machine.channel.DumpDeviceFullException}).
 *
 * <p>The device drivers of tape-dasd-writers implement these interfaces themselves (a 3390 extent, a
 * tape drive); the s390 and ELF writers and readers of fallback-dumper take them, so a format never
 * knows which device or file it is reading or writing. Files get adapters here ({@code of(FileChannel)}).
 *
 * <p>Uses only the JDK: it is the bottom of the device path, below the drivers and the formats.
 */
package io.sadump.machine.channel;
