package io.sadump.archive.format;

import io.sadump.dump.DumpFormat;
import io.sadump.dump.ReadBackDump;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.machine.channel.TapeBlockSource;
import java.io.IOException;

/**
 * The classic s390 format on tape, as the tape dumper writes it after its own file (docs/formats.md
 * §2.2, §8; zgetdump's {@code dfi_s390tape}): a header block, 32 KiB memory blocks, the
 * end-marker block.
 */
public final class S390TapeFormat implements DumpFormatDescriptor {
    @Override
    public DumpFormat format() {
        return DumpFormat.S390_TAPE;
    }

    @Override
    public boolean matches(byte[] head, int length, DumpMedium medium) {
        return medium == DumpMedium.AWS_TAPE && S390Format.magic(head, length) == S390DumpHeader.MAGIC;
    }

    @Override
    public ReadBackDump readTape(TapeBlockSource tape, String name) throws IOException {
        return ClassicS390DumpReader.inspectTape(tape, name);
    }
}
