package io.sadump.archive.format;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.DumpFormatException;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.util.List;

/**
 * The s390_ext format spread over the volumes of a multi-volume DASD set (docs/formats.md
 * §3.3, §5; zgetdump's {@code dfi_s390mv_ext}): every volume's header carries the
 * multi-volume flag; the volumes are read together, in the order of the set's table.
 */
public final class S390MultiVolumeFormat implements DumpFormatDescriptor {
    @Override
    public DumpFormat format() {
        return DumpFormat.S390_MV_EXT;
    }

    @Override
    public boolean matches(byte[] head, int length, DumpMedium medium) {
        return medium != DumpMedium.AWS_TAPE && S390Format.magic(head, length) == S390DumpHeader.MAGIC_EXT
                && S390ExtFormat.multiVolume(head, length);
    }

    @Override
    public ReadBackDump read(DumpBlockSource source, String name) throws IOException {
        throw new DumpFormatException(name + ": is one volume of a multi-volume dump; read all its volumes together");
    }

    @Override
    public ReadBackDump readVolumes(List<DumpBlockSource> volumes, List<String> names) throws IOException {
        return S390ExtDumpReader.inspectMultiVolume(volumes, names);
    }
}
