package io.sadump.archive.format;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;

/**
 * The s390_ext format of the single-volume DASD dumper, in its partition or copied into a file
 * (magic {@code ...fe} without the multi-volume flag; docs/formats.md
 * §1, §3; zgetdump's {@code dfi_s390_ext}).
 */
public final class S390ExtFormat implements DumpFormatDescriptor {
    @Override
    public DumpFormat format() {
        return DumpFormat.S390_EXT;
    }

    /** Whether the header says it is one volume of a multi-volume set ({@code mvdump} = 1). */
    static boolean multiVolume(byte[] head, int length) {
        return length > S390DumpHeader.OFF_MVDUMP && head[S390DumpHeader.OFF_MVDUMP] == 1;
    }

    @Override
    public boolean matches(byte[] head, int length, DumpMedium medium) {
        return medium != DumpMedium.AWS_TAPE && S390Format.magic(head, length) == S390DumpHeader.MAGIC_EXT
                && !multiVolume(head, length);
    }

    @Override
    public ReadBackDump read(DumpBlockSource source, String name) throws IOException {
        return S390ExtDumpReader.inspect(source, name);
    }
}
