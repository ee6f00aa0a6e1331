package io.sadump.dump;

import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.s390.ClassicS390DumpReader;
import io.sadump.dump.s390.S390DumpHeader;
import io.sadump.dump.s390.S390ExtDumpReader;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a single-file (or single-volume) dump of any format sadump knows, recognised by its magic as
 * zgetdump probes its input formats (reference s390-tools-dump.md §3): s390_ext, classic s390, ELF.
 * A volume of a multi-volume dump is refused: all volumes must be read together with {@link
 * S390ExtDumpReader#inspectMultiVolume}.
 */
public final class DumpFileReader {
    private DumpFileReader() {}

    /** The format of the bytes, or a {@link DumpFormatException} naming what was found. */
    public static DumpFormat probe(DumpBlockSource source, String name) throws IOException {
        long size = source.size();
        if (size < 8) {
            throw new DumpFormatException(name + ": no valid dump found (" + size + " bytes)");
        }
        byte[] head = new byte[(int) Math.min(size, S390DumpHeader.SIZE)];
        source.read(0, head, 0, head.length);
        ByteBuffer b = ByteBuffer.wrap(head);
        long magic = b.getLong(0);
        if (magic == S390DumpHeader.MAGIC_EXT) {
            if (head.length > S390DumpHeader.OFF_MVDUMP && head[S390DumpHeader.OFF_MVDUMP] == 1) {
                return DumpFormat.S390_MV_EXT;
            }
            return DumpFormat.S390_EXT;
        }
        if (magic == S390DumpHeader.MAGIC) {
            return DumpFormat.S390;
        }
        if (head[0] == 0x7F && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
            return DumpFormat.ELF;
        }
        throw new DumpFormatException(String.format("%s: no valid dump found (the first 8 bytes are %016x: not an "
                + "s390, s390_ext or ELF dump)", name, magic));
    }

    /** The dump, complete or not (check {@link ReadBackDump#complete()}). */
    public static ReadBackDump inspect(DumpBlockSource source, String name) throws IOException {
        DumpFormat f = probe(source, name);
        return switch (f) {
            case S390_EXT -> S390ExtDumpReader.inspect(source, name);
            case S390 -> ClassicS390DumpReader.inspect(source, name);
            case ELF -> ElfCoreReader.inspect(source, name);
            case S390_MV_EXT -> throw new DumpFormatException(name
                    + ": is one volume of a multi-volume dump; read all its volumes together");
            case S390_TAPE -> throw new DumpFormatException(name + ": a tape dump is read from its tape");
        };
    }

    /** A complete dump, or {@link IncompleteDumpException}. */
    public static ReadBackDump open(DumpBlockSource source, String name) throws IOException {
        return inspect(source, name).requireComplete();
    }
}
