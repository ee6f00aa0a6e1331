/**
 * Reading dumps back and keeping them: the model of IBM's zgetdump and an archiver. Conversions are
 * the writers of the format registry ({@link io.sadump.archive.format}), which this package also
 * uses to recognise and read dumps.
 *
 * <ul>
 *   <li>{@link io.sadump.archive.DumpOpener} finds the dump in files by content: the medium (a 3390
 *       CKD image, its dump partition read through the driver's {@code EckdExtent}; an AWSTAPE image,
 *       a read-only tape mount's {@code TapeDumpFile}; a plain file), then the format on it through
 *       the format registry ({@link io.sadump.archive.format}); {@link
 *       io.sadump.archive.MultiVolumeAssembly} puts every volume of a multi-volume set in order (the
 *       volumes' multi-volume table names a missing one). A dump that is no local file (an object in
 *       object storage) opens from a {@code DumpBlockSource} through the same registry.</li>
 *   <li>{@link io.sadump.archive.DumpInfo} holds what {@code zgetdump -i} prints, with the UTS names
 *       found through the VMCOREINFO ({@link io.sadump.archive.UtsInfo}), and the attributes exactly
 *       as zgetdump's input formats set them ({@link io.sadump.archive.ZgetdumpAttributes}: what the
 *       default {@code -i} text prints); {@link io.sadump.archive.DumpInfoJson} writes it as JSON.</li>
 *   <li>{@link io.sadump.archive.SystemSelection} picks the production or the kdump system out of a
 *       dump taken while a kdump kernel ran.</li>
 *   <li>{@link io.sadump.archive.DumpArchiveWriter} and {@link io.sadump.archive.DumpArchiveReader}
 *       write, verify and extract tar archives with {@code info.json}, {@code SHA256SUMS} and an optional
 *       CMS signature ({@link io.sadump.archive.ArchiveSigning}); besides files, the writer takes any
 *       channel as the archive's sink and the reader any stream (an upload, a download).</li>
 * </ul>
 *
 * <p>Nothing here prints or exits; failures are {@link java.io.IOException}s whose message names the
 * file and what is wrong ({@link io.sadump.dump.DumpFormatException}, {@link
 * io.sadump.dump.IncompleteDumpException}, {@link io.sadump.archive.ArchiveVerificationException}).
 *
 * <p>May use: {@code io.sadump.machine}, {@code io.sadump.meminfo}, the device drivers of {@code
 * io.sadump.device}, the formats of {@code io.sadump.dump}, the format registry of {@code
 * io.sadump.archive.format}; commons-compress, zstd-jni, xz and Bouncy
 * Castle. Layouts: docs/formats.md (sections 9 and 10).
 */
package io.sadump.archive;
