/**
 * Dump-device preparation, the model of {@code zipl -d} and {@code zipl -M}, and its inspection, the model
 * of {@code zgetdump -d} (docs/formats.md, sections 4 and 5): the IPL record ({@link
 * io.sadump.device.dumptool.IplRecord}), the tool records and their magic ({@link
 * io.sadump.device.dumptool.DumpToolKind}), the parameter tail ({@link io.sadump.device.dumptool.DumpParmTail}),
 * the multi-volume table ({@link io.sadump.device.dumptool.MultiVolumeTable}) and the small IPL program a
 * real machine runs from a prepared device ({@link io.sadump.device.dumptool.SadumpIplProgram}).
 *
 * <p>May use: {@code io.sadump.device} and its drivers {@code io.sadump.device.ckd} and {@code
 * io.sadump.device.tape}, and {@code io.sadump.machine}.
 */
package io.sadump.device.dumptool;
