package io.sadump.dump;

import java.time.Instant;

/**
 * The z/Architecture TOD clock value: bit 51 counts microseconds since 1900-01-01 00:00 UTC, so the
 * value is {@code microseconds << 12} (docs/formats.md §1, the header {@code tod}).
 */
public final class TodClock {
    private TodClock() {}

    /** Seconds from the TOD epoch (1900-01-01) to the Unix epoch (1970-01-01). */
    public static final long EPOCH_OFFSET_SECONDS = 2_208_988_800L;
    /** Bit 51 of the TOD clock is one microsecond. */
    public static final int MICROSECOND_SHIFT = 12;

    /** The TOD value of an instant (after 1900). */
    public static long fromInstant(Instant instant) {
        long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond() + EPOCH_OFFSET_SECONDS, 1_000_000L),
                instant.getNano() / 1000);
        return micros << MICROSECOND_SHIFT;
    }

    /** The instant of a TOD value (read unsigned). */
    public static Instant toInstant(long tod) {
        long micros = tod >>> MICROSECOND_SHIFT;
        long seconds = micros / 1_000_000L - EPOCH_OFFSET_SECONDS;
        return Instant.ofEpochSecond(seconds, (micros % 1_000_000L) * 1000);
    }

    /** The TOD value now. */
    public static long now() {
        return fromInstant(Instant.now());
    }
}
