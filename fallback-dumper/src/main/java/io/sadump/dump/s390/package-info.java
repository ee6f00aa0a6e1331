/**
 * The s390 stand-alone dump formats (docs/formats.md, sections 1 to 3): the 4 KiB header ({@link
 * io.sadump.dump.s390.S390DumpHeader}) and end marker, the classic format in a file and on tape ({@link
 * io.sadump.dump.s390.ClassicS390DumpWriter}, {@link io.sadump.dump.s390.ClassicS390DumpReader}) and s390_ext
 * on DASD with zero-skip, zlib and multiple volumes ({@link io.sadump.dump.s390.S390ExtDumpWriter}, {@link
 * io.sadump.dump.s390.S390ExtDumpReader}). Each writer streams a memory source chunk by chunk; each
 * reader gives one back and says whether the dump is complete.
 *
 * <p>May use: {@code io.sadump.dump} (block I/O, progress, read-back) and {@code io.sadump.machine}.
 */
package io.sadump.dump.s390;
