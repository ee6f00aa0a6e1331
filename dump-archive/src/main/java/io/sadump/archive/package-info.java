/**
 * Reading dumps back and keeping them: the model of IBM's zgetdump and an archiver.
 *
 * <ul>
 *   <li>{@link io.sadump.archive.DumpOpener} finds the dump in files by content: a 3390 CKD image (its
 *       dump partition read through the driver's {@code EckdExtent}), every volume of a multi-volume set in
 *       any order (the volumes' multi-volume table puts them in order and names a missing one), an
 *       AWSTAPE image (a read-only tape mount's {@code TapeDumpFile}), a classic s390 or s390_ext file, an ELF core. The
 *       formats' readers (fallback-dumper) do the rest.</li>
 *   <li>{@link io.sadump.archive.DumpInfo} holds what {@code zgetdump -i} prints, with the UTS names
 *       found through the VMCOREINFO ({@link io.sadump.archive.UtsInfo}), and the attributes exactly
 *       as zgetdump's input formats set them ({@link io.sadump.archive.ZgetdumpAttributes}: what the
 *       default {@code -i} text prints); {@link io.sadump.archive.DumpInfoJson} writes it as JSON.</li>
 *   <li>{@link io.sadump.archive.SystemSelection} picks the production or the kdump system out of a
 *       dump taken while a kdump kernel ran.</li>
 *   <li>{@link io.sadump.archive.DumpConverter} streams a dump into the classic s390 format or an ELF
 *       core, with the output size known before the first byte.</li>
 *   <li>{@link io.sadump.archive.DumpArchiveWriter} and {@link io.sadump.archive.DumpArchiveReader}
 *       write, verify and extract tar archives with {@code info.json}, {@code SHA256SUMS} and an optional
 *       CMS signature ({@link io.sadump.archive.ArchiveSigning}).</li>
 * </ul>
 *
 * <p>Nothing here prints or exits; failures are {@link java.io.IOException}s whose message names the
 * file and what is wrong ({@link io.sadump.dump.DumpFormatException}, {@link
 * io.sadump.dump.IncompleteDumpException}, {@link io.sadump.archive.ArchiveVerificationException}).
 *
 * <p>May use: {@code io.sadump.machine}, {@code io.sadump.meminfo}, the device drivers of {@code
 * io.sadump.device}, the formats of {@code io.sadump.dump}; commons-compress, zstd-jni, xz and Bouncy
 * Castle. Layouts: docs/formats.md (sections 9 and 10).
 */
package io.sadump.archive;
