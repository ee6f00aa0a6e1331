package io.sadump.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/**
 * A file target with injected faults: the channel a file is written through, with an {@link IoFaultPlan}
 * applied to its writes in bytes (the plan's file rules). This is how the file system under a vmcore
 * fails: an I/O error ({@code write#N}, {@code block:B}) fails the write that meets it and transfers
 * nothing; a full file system ({@code eov:B}) takes a write only up to byte B, as a short write, and
 * refuses the next with "No space left on device", the message the JDK gives for ENOSPC.
 *
 * <p>Reads, positioning and truncation go to the wrapped channel unchanged; closing this channel
 * closes the wrapped one.
 */
public final class FaultPlanChannel implements SeekableByteChannel {
    /** What the host says for ENOSPC (strerror), so a full-disk fault reads as the real one. */
    public static final String NO_SPACE = "No space left on device";
    /** What the host says for EIO. */
    public static final String IO_ERROR = "Input/output error";

    private final SeekableByteChannel file;
    private final IoFaultPlan plan;

    public FaultPlanChannel(SeekableByteChannel file, IoFaultPlan plan) {
        this.file = Objects.requireNonNull(file);
        this.plan = Objects.requireNonNull(plan);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        long at = file.position();
        int length = src.remaining();
        if (length == 0) {
            return 0;
        }
        if (plan.passesEndOfVolume(at, length)) {
            long room = plan.value() - at;
            if (room <= 0) {
                throw new IOException(NO_SPACE);
            }
            // a short write: what still fits, as write(2) does before ENOSPC
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + (int) room);
            int n = file.write(part);
            src.position(src.position() + n);
            return n;
        }
        String fault = plan.checkWrite(-1, at, length);
        if (fault != null) {
            throw new IOException(IO_ERROR + " (" + fault + ", byte offset " + at + ")");
        }
        return file.write(src);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FaultPlanChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FaultPlanChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
