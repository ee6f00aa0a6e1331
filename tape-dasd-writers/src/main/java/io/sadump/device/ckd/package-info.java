/**
 * The 3390 ECKD DASD driver on Hercules {@code CKD_P370} image files (docs/formats.md, section 6): the
 * device header, track images with home address, R0, records and end-of-track marker ({@link
 * io.sadump.device.ckd.CkdTrack}), the geometry and the real 3390 track capacity ({@link
 * io.sadump.device.ckd.Capacity3390}), record I/O by CCHHR ({@link io.sadump.device.ckd.EckdDasd}) and the
 * dump partition as 4096-byte blocks ({@link io.sadump.device.ckd.EckdExtent}).
 *
 * <p>May use: {@code io.sadump.device} (exceptions, fault injection) and {@code io.sadump.machine}.
 */
package io.sadump.device.ckd;
