package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.DumpLevelPrediction;
import io.sadump.fixtures.Workload;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.MachineDirectory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A machine whose kdump core collector is makedumpfile: the kdump kernel writes a kdump-compressed
 * file that keeps exactly the pages the fixture predicts for the dump level (from its own page classes),
 * the console has makedumpfile's report, and the dump reads back and converts through the registry.
 */
class KdumpCoreCollectorTest {
    static final int PAGE = 4096;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"mixed,makedumpfile -c -d 31", "random,makedumpfile -z -d 8", "zero,makedumpfile -d 17"})
    void theKdumpKernelWritesWhatTheDumpLevelKeeps(String workload, String collector) throws IOException {
        Path m = tmp.resolve("sys");
        run("machine", "create", m.toString(), "--storage", "64M", "--workload", workload, "--seed", "11",
                "--core-collector", collector);
        run("kexec", "load", m.toString());
        CliRun restart = run("hmc", m.toString(), "restart");
        assertThat(restart.out()).contains("kdump: " + collector + " /proc/vmcore vmcore")
                .contains("Original pages  : 0x0000000000003000").contains("Remaining pages  : 0x")
                .contains("(The number of pages is reduced to ");
        assertThat(String.join("\n", MachineDirectory.open(m).console())).contains("Free pages              : 0x");
        Path vmcore;
        try (Stream<Path> s = Files.walk(m.resolve("vmcore"))) {
            vmcore = s.filter(p -> p.getFileName().toString().equals("vmcore") && Files.isRegularFile(p)).findFirst()
                    .orElseThrow();
        }
        int level = Integer.parseInt(collector.substring(collector.lastIndexOf(' ') + 1));
        CrashkernelRange ck = MachineDirectory.open(m).config().crashkernel().orElseThrow();
        BitSet expected = DumpLevelPrediction.of(Workload.parse(workload), 11, 64L << 20, java.util.Optional.of(ck))
                .kept(level);
        expected.clear((int) (ck.base() / PAGE), (int) (ck.end() / PAGE)); // old memory has no crashkernel
        assertThat(secondBitmap(vmcore, 64 * 256)).isEqualTo(expected);

        CliRun info = run("zgetdump", "-i", vmcore.toString());
        assertThat(info.out()).contains("Dump format........: kdump").contains("Dump level.........: " + level);
        Path elf = tmp.resolve("filtered.elf");
        run("zgetdump", vmcore.toString(), "-f", "elf", "-o", elf.toString());
        CliRun elfInfo = run("zgetdump", "-i", elf.toString(), "--json");
        assertThat(elfInfo.out()).contains("\"format\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"cp", "cp --sparse=always /proc/vmcore"})
    void theDefaultCollectorStillWritesTheWholeElfVmcore(String collector) throws IOException {
        Path m = tmp.resolve("copy");
        run("machine", "create", m.toString(), "--storage", "64M", "--workload", "zero", "--core-collector", collector);
        run("kexec", "load", m.toString());
        CliRun restart = run("hmc", m.toString(), "restart");
        assertThat(restart.out()).doesNotContain("Original pages");
        try (Stream<Path> s = Files.walk(m.resolve("vmcore"))) {
            Path v = s.filter(p -> p.getFileName().toString().equals("vmcore") && Files.isRegularFile(p)).findFirst()
                    .orElseThrow();
            byte[] head = new byte[4];
            try (var in = Files.newInputStream(v)) {
                assertThat(in.read(head)).isEqualTo(4);
            }
            assertThat(head).containsExactly(0x7F, 'E', 'L', 'F');
        }
    }

    /**
     * {@code machine create --in-use}: a system that uses only the first part of its memory. The limit is
     * kept (machine show), survives the reboot after the dump, and the filtered dump keeps exactly what
     * the fixture predicts for it: above the memory in use only the kernel's own frames.
     */
    @org.junit.jupiter.api.Test
    void aSystemWithLittleInUseIsFilteredAsPredicted() throws IOException {
        Path m = tmp.resolve("idle");
        CliRun create = run("machine", "create", m.toString(), "--storage", "256M", "--in-use", "48M", "--seed", "5",
                "--core-collector", "makedumpfile -z -d 31");
        assertThat(create.out()).contains("workload mixed in the first 48M");
        assertThat(run("machine", "show", m.toString(), "--json").out()).contains("\"in_use\": " + (48L << 20));
        run("kexec", "load", m.toString());
        run("hmc", m.toString(), "restart");
        Path vmcore;
        try (Stream<Path> s = Files.walk(m.resolve("vmcore"))) {
            vmcore = s.filter(p -> p.getFileName().toString().equals("vmcore") && Files.isRegularFile(p)).findFirst()
                    .orElseThrow();
        }
        CrashkernelRange ck = MachineDirectory.open(m).config().crashkernel().orElseThrow();
        BitSet expected = DumpLevelPrediction.of(Workload.MIXED, 5, 256L << 20, java.util.Optional.of(ck), 48L << 20)
                .kept(31);
        expected.clear((int) (ck.base() / PAGE), (int) (ck.end() / PAGE));
        BitSet kept = secondBitmap(vmcore, 256 * 256);
        assertThat(kept).isEqualTo(expected);
        assertThat(kept.get(48 * 256, 256 * 256).cardinality()).as("pages kept above 48M")
                .isLessThan(kept.get(0, 48 * 256).cardinality());
        assertThat(run("machine", "show", m.toString()).out()).contains("workload mixed in the first 48M");

        CliRun bad = CliRun.of("machine", "create", tmp.resolve("bad").toString(), "--storage", "256M", "--in-use", "512M");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip()).contains("memory in use").doesNotContain("\n").doesNotContain("Exception");
        assertThat(tmp.resolve("bad")).doesNotExist();
    }

    private static CliRun run(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exit()).as("%s: %s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    /**
     * The 2nd bitmap of a kdump-compressed file (reference kdump-compressed.md §1.1-§1.4: block_size at
     * 428, sub_hdr_size at 432, bitmap_blocks at 436, big-endian; bit p&7 of byte p>>3).
     */
    static BitSet secondBitmap(Path file, int pages) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] head = new byte[464];
            f.readFully(head);
            assertThat(new String(head, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("KDUMP   ");
            ByteBuffer h = ByteBuffer.wrap(head);
            int blockSize = h.getInt(428);
            long half = (h.getInt(436) & 0xFFFF_FFFFL) * blockSize / 2;
            byte[] bits = new byte[(pages + 7) / 8];
            f.seek((long) (1 + h.getInt(432)) * blockSize + half);
            f.readFully(bits);
            return BitSet.valueOf(bits);
        }
    }
}
