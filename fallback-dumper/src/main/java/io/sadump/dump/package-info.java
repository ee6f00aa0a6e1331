/**
 * The dump formats of sadump, each one reader (bytes to a {@link io.sadump.machine.MemorySource} and
 * the {@link io.sadump.machine.DumpMetadata} beside it) and one writer (memory and metadata to bytes),
 * streamed chunk by chunk, so that a conversion is a reader plugged into a writer (docs/architecture.md §6 "Data
 * flow"). {@link io.sadump.dump.DumpFormat} names them; dump-archive's format registry lists them with
 * how each is recognised.
 *
 * <ul>
 *   <li>{@link io.sadump.dump.s390}: the stand-alone dump formats: the 4 KiB header, s390_ext on DASD
 *       (zero-skip, zlib, multi-volume), classic s390 in a file and on tape;
 *   <li>{@link io.sadump.dump.elf}: the ELF core (vmcore) of the kdump path and conversions.
 * </ul>
 *
 * <p>Writers put blocks into a {@link io.sadump.machine.channel.DumpBlockSink} (a DASD partition) or a {@link
 * io.sadump.machine.channel.TapeBlockSink}, or a channel; readers take a {@link io.sadump.machine.channel.DumpBlockSource}
 * or a {@link io.sadump.machine.channel.TapeBlockSource} and return a {@link io.sadump.dump.ReadBackDump} that
 * says whether the dump is complete. Progress comes as {@link io.sadump.dump.DumpProgressListener}
 * events; nothing here prints.
 *
 * <p>May use: {@code io.sadump.machine} (the memory view, the metadata, the channel-I/O interfaces) and
 * {@code io.sadump.meminfo} (the VMCOREINFO locator); never the device drivers of {@code io.sadump.device}.
 */
package io.sadump.dump;
