package io.sadump.device.tape;

/**
 * What a read or space operation met on the tape.
 *
 * @param kind what was met
 * @param data the block's bytes for {@link Kind#BLOCK} read with {@link TapeDrive#readBlock()}; empty
 *     otherwise
 */
public record TapeRead(Kind kind, byte[] data) {
    /** What a tape motion met. */
    public enum Kind {
        /** A data block (passed over). */
        BLOCK,
        /** A tape mark (passed over; unit exception on a real drive). */
        TAPEMARK,
        /** No more data was written on this tape: the drive did not move. */
        END_OF_DATA,
        /** Backward motion at the load point: the drive did not move. */
        LOAD_POINT
    }

    private static final byte[] NONE = new byte[0];

    public TapeRead {
        data = data == null ? NONE : data;
    }

    static TapeRead of(Kind kind) {
        return new TapeRead(kind, NONE);
    }

    public boolean isBlock() {
        return kind == Kind.BLOCK;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The block length (0 unless a block was read). */
    public int length() {
        return data.length;
    }
}
