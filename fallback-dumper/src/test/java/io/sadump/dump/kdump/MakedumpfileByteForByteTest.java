package io.sadump.dump.kdump;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.dump.elf.ElfCoreReader;
import io.sadump.dump.elf.ElfCoreWriter;
import io.sadump.interop.InteropTools;
import io.sadump.interop.InteropTools.Result;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real makedumpfile 1.7.2 (Debian's s390x binary under qemu-s390x-static, reference
 * kdump-compressed.md §9) and sadump's writer, given the same ELF vmcore, write the same bytes: levels
 * 0 and 1 (the ones that need no page filter), zlib and no compression, the file and the flattened
 * stream. The vmcore carries the VMCOREINFO makedumpfile needs to start (§7); its memory is a seeded
 * mix of zero, compressible and random pages. Required in CI ({@code -Dsadump.interop=required}).
 */
class MakedumpfileByteForByteTest {
    static final long MIB = KdumpTestSystem.MIB;
    /** Where run-tests unpacks Debian's s390x makedumpfile and its libraries. */
    static final Path ROOT = Path.of(System.getProperty("sadump.makedumpfile.root",
            System.getProperty("user.home") + "/.cache/sadump/makedumpfile-s390x"));

    @TempDir
    static Path dir;
    static Path vmcore;

    /** §7's objects at its suggested addresses, and the VMCOREINFO lines makedumpfile -d 0/1 reads. */
    static final String VMCOREINFO = "OSRELEASE=6.1.0-sadump\nPAGESIZE=4096\nSYMBOL(init_uts_ns)=215000\n"
            + "OFFSET(uts_namespace.name)=0\nSYMBOL(node_online_map)=216800\nSYMBOL(swapper_pg_dir)=204000\n"
            + "SYMBOL(_stext)=100000\nSYMBOL(vmap_area_list)=216900\nSYMBOL(mem_map)=216a00\n"
            + "SYMBOL(contig_page_data)=216b00\nSYMBOL(mem_section)=212000\nLENGTH(mem_section)=1024\n"
            + "SIZE(mem_section)=16\nOFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)=28\n"
            + "NUMBER(MAX_PHYSMEM_BITS)=46\nSIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._refcount)=52\n"
            + "OFFSET(page.mapping)=24\nOFFSET(page.lru)=8\nOFFSET(page._mapcount)=48\nOFFSET(page.private)=40\n"
            + "OFFSET(page.compound_dtor)=16\nOFFSET(page.compound_order)=17\nOFFSET(page.compound_head)=8\n"
            + "LENGTH(zone.free_area)=11\nNUMBER(PG_lru)=4\nNUMBER(PG_private)=13\nNUMBER(PG_swapcache)=10\n"
            + "NUMBER(PG_swapbacked)=19\nNUMBER(PG_slab)=9\nNUMBER(PG_head_mask)=65536\n"
            + "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(HUGETLB_PAGE_DTOR)=2\n"
            + "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\nSYMBOL(high_memory)=216000\nCRASHTIME=1700000123\n";

    @BeforeAll
    static void vmcore() throws IOException {
        KdumpTestSystem s = new KdumpTestSystem(16 * MIB, 0x3d7, 0, 0);
        ByteBuffer b = ByteBuffer.allocate(16);
        s.storage.write(0x212000, b.putLong(0, 0x214000).array().clone()); // mem_section root -> section array
        s.storage.write(0x214000, b.putLong(0, 0x37200000000L | 0xf).putLong(8, 0x218000).array().clone());
        s.storage.write(0x216000, ByteBuffer.allocate(8).putLong(16 * MIB).array()); // high_memory
        vmcore = dir.resolve("vmcore");
        try (FileChannel ch = FileChannel.open(vmcore, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new ElfCoreWriter(ElfCoreWriter.Options.defaults()).write(s.memory,
                    io.sadump.machine.DumpMetadata.of(s.cpus, Optional.of(VMCOREINFO)), ch);
        }
    }

    static Result makedumpfile(String shellArgs) {
        if (!Files.isExecutable(ROOT.resolve("usr/bin/makedumpfile"))) {
            InteropTools.missing("Debian's s390x makedumpfile under " + ROOT);
        }
        String qemu = InteropTools.requireTool("qemu-s390x-static");
        Map<String, String> env = Map.of("QEMU_LD_PREFIX", ROOT.toString(), "LD_LIBRARY_PATH",
                ROOT + "/lib/s390x-linux-gnu:" + ROOT + "/usr/lib/s390x-linux-gnu");
        return InteropTools.run(dir, 600, env, List.of("sh", "-c", qemu + " " + ROOT + "/usr/bin/makedumpfile "
                + shellArgs));
    }

    @ParameterizedTest(name = "makedumpfile {0}")
    @CsvSource({"-d 0,0,NONE,false", "-d 1,1,NONE,false", "-c -d 1,1,ZLIB,false", "-c -d 0,0,ZLIB,false",
            "-F -c -d 1,1,ZLIB,true", "-F -d 0,0,NONE,true"})
    void sadumpWritesWhatMakedumpfileWrites(String options, int level, PageCompression c, boolean flat)
            throws IOException {
        String name = "m" + options.replace(" ", "");
        Result r = makedumpfile(flat ? options + " vmcore > " + name : options + " vmcore " + name);
        assertThat(r.exitCode()).as(r.output()).isZero();
        byte[] theirs = Files.readAllBytes(dir.resolve(name));

        byte[] notes;
        try (DumpBlockSource src = DumpBlockSource.of(FileChannel.open(vmcore))) {
            notes = ElfCoreReader.noteSegment(src, "vmcore").orElseThrow();
        }
        Path ours = dir.resolve("s" + options.replace(" ", ""));
        try (DumpBlockSource src = DumpBlockSource.of(FileChannel.open(vmcore));
                var core = ElfCoreReader.open(src, "vmcore");
                FileChannel ch = FileChannel.open(ours, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            KdumpOutput out = flat ? new FlattenedOutput(ch) : new KdumpFileOutput(ch);
            new KdumpCompressedWriter(KdumpCompressedWriter.Options.of(c)).write(core.memory(), core.metadata(),
                    KdumpNotes.copied(notes), PresentPageSelection.of(core.memory(), level, 4096), out);
        }
        assertThat(Files.readAllBytes(ours)).as("sadump vs makedumpfile %s", options).isEqualTo(theirs);
        assertThat(new String(theirs, 0, flat ? 12 : 8, StandardCharsets.US_ASCII))
                .isEqualTo(flat ? "makedumpfile" : "KDUMP   ");
        if (flat) {
            // makedumpfile -R rebuilds our stream into the file sadump's -R and writer give
            String rebuilt = "R" + name;
            Result rr = makedumpfile("-R " + rebuilt + " < " + ours.getFileName());
            assertThat(rr.exitCode()).as(rr.output()).isZero();
            Path mine = dir.resolve("r" + name);
            try (FileChannel in = FileChannel.open(ours);
                    FileChannel out = FileChannel.open(mine, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                FlattenedReassembler.reassemble(in, out);
            }
            assertThat(Files.readAllBytes(dir.resolve(rebuilt))).isEqualTo(Files.readAllBytes(mine));
        }
    }
}
