package io.sadump.device;

import java.io.Closeable;

/**
 * A device the machine can IPL from: what the channel's READ IPL reads from it. Implemented by
 * {@link io.sadump.device.ckd.EckdDasd} (the data of R1 on cylinder 0 head 0) and
 * {@link io.sadump.device.tape.TapeDrive} (the first block at the load point).
 *
 * <p>Source: reference/hercules-devices.md §4 (IPL mechanics).
 */
public interface IplDevice extends Closeable {
    /** How errors name the device (its device number). */
    String name();

    /**
     * The IPL record: its first 24 bytes are the IPL PSW and two CCWs.
     *
     * @throws DeviceException if the device has no IPL record (a blank tape, no R1)
     */
    byte[] readIplRecord() throws DeviceException;

    @Override
    void close() throws DeviceException;
}
