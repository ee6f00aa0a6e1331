/**
 * Device drivers for sadump's simulated machines: 3390 ECKD DASD on Hercules {@code CKD_P370} images
 * ({@link io.sadump.device.ckd}), 3480/3490 tape on AWSTAPE images ({@link io.sadump.device.tape}), and
 * dump-device preparation, the model of {@code zipl -d}/{@code zipl -M} ({@link io.sadump.device.dumptool}).
 *
 * <h2>For a dumper</h2>
 * <pre>{@code
 * // DASD: open by device number (needs the machine lock to write) and write the dump partition
 * try (EckdDasd dasd = AttachedDevices.openDasd(machine, lock, devno)) {
 *     DumpDeviceInfo tool = DumpDevicePreparer.inspect(dasd);   // XECKD64/XMULT64, size limit, MV table
 *     EckdExtent part = dasd.dumpPartition();                  // track 1..last, 12 x 4096 per track
 *     part.writeBlocks(0, header);                             // ByteBuffer, a multiple of 4096 bytes
 *     ...                                                      // EndOfExtentException: "Device too small"
 * }
 * // tape: block writes, tape marks, end of volume
 * try (TapeDrive tape = AttachedDevices.openTape(machine, lock, devno)) {
 *     tape.rewind();
 *     tape.forwardSpaceBlock();                                // past the tool block (file 1)
 *     tape.writeTapemark();                                    // closes file 1, as zipl's tape2dump does
 *     tape.writeBlock(buf);                                    // EndOfVolumeException at the capacity
 *     tape.writeTapemark();
 * }
 * }</pre>
 * Every failure is a {@link io.sadump.device.DeviceException} (checked, an {@link java.io.IOException})
 * whose message names the device; tests inject I/O errors and end of volume with {@link
 * io.sadump.device.IoFaultPlan}, and the same faults under a file with {@link io.sadump.device.FaultPlanChannel}.
 *
 * <h2>For the dump formats</h2>
 * The drivers implement the channel-I/O interfaces of {@link io.sadump.machine.channel} themselves, so
 * the s390 writers and readers use a device without an adapter: an {@link io.sadump.device.ckd.EckdExtent}
 * (a dump partition) is a {@code DumpBlockSink} and a {@code DumpBlockSource}; a {@link
 * io.sadump.device.tape.TapeDrive} is a {@code TapeBlockSink}, and its {@link
 * io.sadump.device.tape.TapeDumpFile} (from a mounted drive or a read-only mount of an AWSTAPE file) a
 * {@code TapeBlockSource}. Through these interfaces the end of the medium is the dump's {@code
 * DumpDeviceFullException}.
 *
 * <p>Uses {@code machine} only (device numbers, the machine directory, the channel-I/O interfaces). Layouts:
 * docs/formats.md (sections 4 to 6 and 8).
 */
package io.sadump.device;
