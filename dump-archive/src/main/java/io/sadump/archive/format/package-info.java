/**
 * The format registry: every dump format sadump reads or writes, listed once in {@link
 * io.sadump.archive.format.DumpFormatRegistry}, each one {@link io.sadump.archive.format.DumpFormatDescriptor}
 * that recognises its bytes on a {@link io.sadump.archive.format.DumpMedium}, reads them, and (where a
 * conversion can write it) offers a {@link io.sadump.archive.format.DumpFormatWriter}. The model is
 * zgetdump's {@code dfi_*} and {@code dfo_*} tables.
 *
 * <p>Owns: the descriptors of the classic s390 format (file and tape), s390_ext (single- and
 * multi-volume), the ELF core, and the dump archive as a container. Uses: the readers and writers of
 * {@link io.sadump.dump} (fallback-dumper), the memory view and metadata of {@link io.sadump.machine},
 * and, for the archive container only, {@link io.sadump.archive}'s archive reader and opener. Nothing
 * here prints.
 */
package io.sadump.archive.format;
