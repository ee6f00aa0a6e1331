/**
 * The descriptors of the dump formats: each {@link io.sadump.archive.format.DumpFormatDescriptor}
 * recognises its bytes on a {@link io.sadump.archive.format.DumpMedium} by their magic, reads them, and
 * (where a conversion can write it) offers a {@link io.sadump.archive.format.DumpFormatWriter}. The model
 * is zgetdump's {@code dfi_*} and {@code dfo_*} tables. The list of all formats, the archive container
 * among them, is {@code io.sadump.archive.DumpFormatRegistry}, one package up: the container needs the
 * archive reader, so it and the registry live beside it and this package stays free of that dependency.
 *
 * <p>Owns: the descriptors of the classic s390 format (file and tape), s390_ext (single- and
 * multi-volume) and the ELF core. Uses: the readers and writers of {@link io.sadump.dump}
 * (fallback-dumper) and the memory view and metadata of {@link io.sadump.machine}; never {@code
 * io.sadump.archive}. Nothing here prints.
 */
package io.sadump.archive.format;
