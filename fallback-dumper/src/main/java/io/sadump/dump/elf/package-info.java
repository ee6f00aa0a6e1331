/**
 * The s390x ELF core (docs/formats.md, section 7), the vmcore of the kdump path and the target of
 * conversions: header, program headers, the s390 notes ({@link io.sadump.dump.elf.S390CoreNotes}), a
 * streaming writer with computed file offsets ({@link io.sadump.dump.elf.ElfCoreWriter}) and a reader
 * ({@link io.sadump.dump.elf.ElfCoreReader}).
 *
 * <p>May use: {@code io.sadump.dump} and {@code io.sadump.machine}.
 */
package io.sadump.dump.elf;
