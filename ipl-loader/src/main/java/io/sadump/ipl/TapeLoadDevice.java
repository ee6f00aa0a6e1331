package io.sadump.ipl;

import io.sadump.device.DeviceIoErrorException;
import io.sadump.device.dumptool.DumpDevicePreparer;
import io.sadump.device.tape.TapeDrive;
import io.sadump.device.tape.TapeRead;
import io.sadump.dump.DumpFormat;
import io.sadump.dump.s390.ClassicS390DumpWriter;
import io.sadump.dump.s390.S390DumpResult;
import io.sadump.dump.s390.S390DumpSettings;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.DumpMetadata;
import io.sadump.machine.MemorySource;
import io.sadump.machine.channel.DumpDeviceFullException;
import java.io.IOException;
import java.util.List;

/**
 * A 3490 tape as the IPL and the tape dumper use it (docs/formats.md §2.2, §4.1): the dump tool
 * is file 1; the dumper writes a tape mark after it, then the classic s390 dump (4 KiB header, 32 KiB
 * memory blocks, end marker block) and a final tape mark. End of tape is "Device too small" (0x4600).
 */
public final class TapeLoadDevice implements LoadDevice {
    private final DeviceNumber number;
    private final TapeDrive tape;

    /** @param tape the drive with the cartridge mounted writable; closed with this device */
    public TapeLoadDevice(DeviceNumber number, TapeDrive tape) {
        this.number = number;
        this.tape = tape;
    }

    @Override
    public DeviceNumber number() {
        return number;
    }

    @Override
    public String description() {
        return "3490 " + number;
    }

    @Override
    public byte[] readIplRecord() throws IOException {
        return tape.readIplRecord();
    }

    @Override
    public DumpTool readDumpTool() throws IOException {
        return DumpTool.of(DumpDevicePreparer.inspect(tape), description());
    }

    @Override
    public FallbackDumpResult dump(MemorySource memory, DumpMetadata metadata, DumpTool tool,
            S390DumpSettings settings) throws IOException {
        S390DumpSettings s = settings.withCompression(false);
        if (tool.hasLimit()) {
            s = s.withMemoryLimit(tool.memoryLimit());
        }
        // The IPL read the tool block; the dumper continues right after it (its tape mark ends file 1).
        tape.rewind();
        TapeRead toolBlock = tape.readBlock();
        if (!toolBlock.isBlock()) {
            throw new DumpFailedException(DumpFailedException.DEVICE_NOT_SUPPORTED,
                    description() + ": the dump tool block is gone from file 1");
        }
        try {
            S390DumpResult r = new ClassicS390DumpWriter(s).writeTape(memory, metadata, tape);
            return new FallbackDumpResult(DumpFormat.S390_TAPE, List.of(number), r.header().memSize(),
                    r.dumpFileBytes(), r.unreadablePages());
        } catch (DumpDeviceFullException e) {
            throw new DumpFailedException(DumpFailedException.DEVICE_TOO_SMALL, "Device too small: " + e.getMessage(), e);
        } catch (DeviceIoErrorException e) {
            throw new DumpFailedException(DumpFailedException.IO_ERROR, "I/O Error: " + e.getMessage(), e);
        } finally {
            tape.rewind();
        }
    }

    @Override
    public void close() throws IOException {
        tape.close();
    }
}
