/**
 * The meminfo ABI (docs/abi.md): the upstream {@code os_info} page with sadump's entry 13 ({@link
 * io.sadump.meminfo.MeminfoPage}, {@link io.sadump.meminfo.MeminfoEntry}), the kexec segment table
 * ({@link io.sadump.meminfo.KexecSegmentTable}), the CKSM checksum ({@link io.sadump.meminfo.Cksm}), the
 * writer the first kernel uses ({@link io.sadump.meminfo.MeminfoWriter}), and the kdump verdict with its
 * ordered checks and codes ({@link io.sadump.meminfo.KdumpVerdict}, {@link io.sadump.meminfo.VerdictCheck}), whose
 * segment digests are hashed on all cores at once ({@link io.sadump.meminfo.SegmentDigests}).
 *
 * <p>May use: {@code io.sadump.machine} (storage and lowcore addresses).
 */
package io.sadump.meminfo;
