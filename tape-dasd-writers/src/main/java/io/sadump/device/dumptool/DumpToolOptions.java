package io.sadump.device.dumptool;

import io.sadump.machine.InvalidValueException;
import io.sadump.machine.Sizes;
import java.util.OptionalLong;

/**
 * The install-time parameters of a dump tool, as {@code zipl -d DEV[,SIZE] [--no-compress]} and
 * {@code zipl -M LIST[,SIZE] [--force]} take them.
 *
 * @param sizeLimit the dump size limit in bytes; zipl rounds it up to a whole MiB (empty: no limit)
 * @param noCompress turn off zlib compression (single-volume DASD)
 * @param force skip the multi-volume signature check at dump time
 */
public record DumpToolOptions(OptionalLong sizeLimit, boolean noCompress, boolean force) {
    public DumpToolOptions {
        if (sizeLimit.isPresent() && sizeLimit.getAsLong() <= 0) {
            throw new InvalidValueException("a dump size limit must be positive, got " + sizeLimit.getAsLong());
        }
    }

    /** No limit, compression on, no force. */
    public static DumpToolOptions defaults() {
        return new DumpToolOptions(OptionalLong.empty(), false, false);
    }

    /** The parameter tail to install: the limit rounded up to MiB. */
    public DumpParmTail parmTail() {
        long limit = DumpParmTail.NO_LIMIT;
        if (sizeLimit.isPresent()) {
            long s = sizeLimit.getAsLong();
            limit = Math.multiplyExact(Math.addExact(s, Sizes.MIB - 1) / Sizes.MIB, Sizes.MIB);
        }
        return new DumpParmTail(noCompress, force, limit);
    }
}
