package io.sadump.ipl;

import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import java.io.Closeable;
import java.io.IOException;

/**
 * The device at the HMC's load address, as the IPL and the stand-alone dumper on it see it: READ IPL,
 * the dump tool, and the dump the tool writes back to its own device. A 3390 ({@link EckdLoadDevice})
 * and a 3490 ({@link TapeLoadDevice}) are the devices a machine can be loaded from.
 */
public interface LoadDevice extends Closeable {
    DeviceNumber number();

    /** "3390 0.0.0190 (volser SADUMP)", for console lines. */
    String description();

    /** The 24-byte IPL record (IPL PSW and two CCWs) the channel's READ IPL reads. */
    byte[] readIplRecord() throws IOException;

    /**
     * Identifies the dump tool the IPL record leads to, with its parameters.
     *
     * @throws IplException when the device holds no dump tool
     */
    DumpTool readDumpTool() throws IOException;

    /**
     * Runs the dump tool: writes {@code memory} with the CPUs of {@code metadata} to this device (and the other volumes of a
     * multi-volume set) in the tool's format.
     *
     * @throws DumpFailedException with the dumper's code when it cannot complete
     */
    FallbackDumpResult dump(MemorySource memory, DumpMetadata metadata, DumpTool tool, S390DumpSettings settings)
            throws IOException;
}
