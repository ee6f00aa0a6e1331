package io.sadump.dump;

import io.sadump.machine.channel.DumpDeviceFullException;
import io.sadump.machine.channel.TapeBlockSink;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tape in memory for tests: blocks and tapemarks in order, with an optional capacity in bytes after
 * which writes fail as end of tape.
 */
public final class MemoryTape implements TapeBlockSink {
    private final List<byte[]> records = new ArrayList<>(); // null = tapemark
    private final long capacity;
    private long used;

    public MemoryTape(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    @Override
    public void writeBlock(byte[] buf, int off, int length) throws IOException {
        if (used + length > capacity) {
            throw new DumpDeviceFullException("end of tape after " + used + " bytes", used);
        }
        records.add(Arrays.copyOfRange(buf, off, off + length));
        used += length;
    }

    @Override
    public void writeTapemark() throws IOException {
        if (used + 1 > capacity) {
            throw new DumpDeviceFullException("end of tape after " + used + " bytes", used);
        }
        records.add(null);
        used += 1;
    }

    public List<byte[]> records() {
        return records;
    }

    /** The file after {@code tapemarks} tapemarks, read block by block. */
    public TapeBlockSource file(int tapemarks) {
        int start = 0;
        for (int seen = 0; seen < tapemarks; start++) {
            if (records.get(start) == null) {
                seen++;
            }
        }
        return reading(records, start);
    }

    /** {@code records} (null = tapemark) read block by block from index {@code first}; block 0 is there. */
    public static TapeBlockSource reading(List<byte[]> records, int first) {
        return new TapeBlockSource() {
            int pos = first;

            @Override
            public int readBlock(byte[] dst) {
                if (pos >= records.size()) {
                    return END_OF_DATA;
                }
                byte[] r = records.get(pos++);
                if (r == null) {
                    return TAPEMARK;
                }
                System.arraycopy(r, 0, dst, 0, Math.min(dst.length, r.length));
                return r.length;
            }

            @Override
            public void seekBlock(long block) {
                pos = (int) Math.min(records.size(), first + Math.max(0, block));
            }
        };
    }
}
