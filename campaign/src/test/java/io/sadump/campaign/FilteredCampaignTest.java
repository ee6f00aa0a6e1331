package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.ByteChange;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.PageClasses;
import io.sadump.fixtures.PageDescriptorLayout;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.FileStorage;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineLock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Campaigns whose kdump kernel filters ({@code --core-collector "makedumpfile -c -d 31"}): the vmcore is
 * kdump-compressed and read back page by page against the fixture's prediction and storage at dump time;
 * and that check catches a file that is wrong in its data or in its bitmap, naming the pfn and its class.
 */
class FilteredCampaignTest {
    static final int PAGE = 4096;

    @TempDir(factory = MemoryTempDir.class)
    Path dir;

    @Test
    void aSeededCampaignWithMakedumpfileEndsAsPromised() throws IOException {
        List<Corruption> kinds = new ArrayList<>(CorruptionCatalogue.controls());
        kinds.add(Corruption.byName("segment-bitflip-kernel"));
        Campaign c = Campaign.defaults(dir).withRuns(16).withSeed(15).withKinds(kinds).withParallel(2)
                .withCoreCollector(CoreCollector.parse("makedumpfile -c -d 31"));
        CampaignResult r = c.run(n -> {});

        assertThat(r.unexpected()).as("unexpected scenarios (seed 15)")
                .extracting(u -> u.scenario().id() + ": " + u.problems()).isEmpty();
        assertThat(r.results()).as("kdump ran in some scenarios, the fallback in others")
                .anyMatch(x -> x.outcome().equals("kdump")).anyMatch(ScenarioResult::fellBack);
        assertThat(r.campaign().coreCollector().commandLine()).isEqualTo("makedumpfile -c -d 31");
        assertThat(r.results().stream().filter(x -> x.outcome().equals("kdump")).flatMap(x -> x.messages().stream()))
                .as("makedumpfile's report is on the console").anyMatch(m -> m.strip().startsWith("Free pages"));
    }

    /** Each level filters a different set; the check works for the compressions the collector writes. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"makedumpfile -d 31", "makedumpfile -z -d 17", "makedumpfile -c -d 8"})
    void aFilteredVmcoreReadsBackAsTheLevelKeeps(String collector) throws IOException {
        ObservedLoad load = kdumpLoad(collector);
        ObservedLoad.FilteredComparison c = load.compareFilteredDump();
        assertThat(c.differences()).as(c.describe()).isEmpty();
        assertThat(c.keptPages()).isEqualTo(c.predictedPages()).isLessThan(c.presentPages());
        assertThat(c.cpus()).isEqualTo(2);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aChangedPageInTheWrittenFileIsCaughtWithItsPfnAndClass(long seed) throws IOException {
        ObservedLoad load = kdumpLoad("makedumpfile -d 31");
        Path vmcore = Path.of(load.outcome().paths().get(0));
        KdumpLayout k = KdumpLayout.of(vmcore);
        // a page stored for itself alone (not the zero page every zero page shares), drawn by the seed
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] offsets = k.dataOffsets();
        java.util.Map<Long, Integer> uses = new java.util.HashMap<>();
        for (long o : offsets) {
            uses.merge(o, 1, Integer::sum);
        }
        int index;
        do {
            index = rnd.nextInt(offsets.length);
        } while (uses.get(offsets[index]) != 1);
        long pfn = k.nthKept(index);
        try (RandomAccessFile f = new RandomAccessFile(vmcore.toFile(), "rw")) {
            long at = offsets[index] + rnd.nextInt(PAGE);
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ (1 << rnd.nextInt(8)));
        }
        KeptPagePrediction p = KeptPagePrediction.of(load.machine(), load.crashkernel(), 31);
        ObservedLoad.FilteredComparison c = load.compareFilteredDump(p);
        assertThat(c.matches()).as("seed %d: %s", seed, c.describe()).isFalse();
        assertThat(c.differences()).as("seed %d", seed).containsExactly(String.format(
                "1 kept pages differ from storage at dump time, the first pfn 0x%X (%s)", pfn, p.classOf(pfn)));
    }

    @Test
    void aKeptPageMissingFromTheBitmapIsCaughtAsAbsent() throws IOException {
        ObservedLoad load = kdumpLoad("makedumpfile -d 31");
        Path vmcore = Path.of(load.outcome().paths().get(0));
        KdumpLayout k = KdumpLayout.of(vmcore);
        // the last kept page: clearing its bit leaves every other page's descriptor where it was
        long last = k.kept.length() - 1;
        try (RandomAccessFile f = new RandomAccessFile(vmcore.toFile(), "rw")) {
            long at = k.secondBitmap + last / 8;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b & ~(1 << (int) (last % 8)));
        }
        KeptPagePrediction p = KeptPagePrediction.of(load.machine(), load.crashkernel(), 31);
        ObservedLoad.FilteredComparison c = load.compareFilteredDump(p);
        assertThat(c.differences()).containsExactly(String.format("1 pages differ from the prediction, the first pfn "
                + "0x%X (%s): absent, but dump level 31 keeps it", last, p.classOf(last)));
        assertThat(c.keptPages()).isEqualTo(c.predictedPages() - 1);
    }

    /**
     * A control that flips PG_lru off in the struct page of a page-cache frame: makedumpfile keeps that frame
     * at level 31, the fixture's classes say it leaves it out. The comparison names it, unless told that the
     * injection changed its struct page; then the dump still matches.
     */
    @Test
    void aFlipInAStructPageIsExcusedOnlyForTheFramesItCanChange() throws IOException {
        CampaignTemplate t = CampaignTemplate.ensure(dir, Campaign.DEFAULT_STORAGE);
        Path m = dir.resolve("flip");
        new ScenarioRunner(t).restore(m);
        MachineDirectory machine = MachineDirectory.open(m);
        KeptPagePrediction p = KeptPagePrediction.of(machine, machine.config().crashkernel().orElseThrow(), 31);
        long pfn = p.kept().nextClearBit(1 << 12);
        while (!p.classOf(pfn).equals("page_cache")) {
            pfn = p.kept().nextClearBit((int) pfn + 1);
        }
        long region = pfn / PageClasses.PAGES_PER_REGION;
        // flags are the first 8 bytes, big-endian: PG_lru (bit 4) is in the last byte
        long flagsLow = p.layout().regionFrame(region)
                + (pfn % PageClasses.PAGES_PER_REGION) * PageDescriptorLayout.STRUCT_PAGE_SIZE + 7;
        ByteChange change;
        try (MachineLock lock = machine.lock(); FileStorage s = machine.openStorage(lock)) {
            byte[] before = new byte[1];
            s.read(flagsLow, before, 0, 1);
            assertThat(before[0] & 0x10).as("PG_lru of a page-cache frame").isNotZero();
            byte[] after = {(byte) (before[0] & ~0x10)};
            s.write(flagsLow, after);
            change = new ByteChange(flagsLow, before, after);
        }
        ObservedLoad load = HmcLoad.of(machine, CampaignTemplate.DASD).reIpl(false)
                .coreCollector(CoreCollector.parse("makedumpfile -d 31")).run();
        KeptPagePrediction q = KeptPagePrediction.of(machine, load.crashkernel(), 31);
        ObservedLoad.FilteredComparison strict = load.compareFilteredDump(q);
        assertThat(strict.differences()).containsExactly(String.format("1 pages differ from the prediction, the first "
                + "pfn 0x%X (page_cache): in the dump, but dump level 31 leaves it out", pfn));

        BitSet otherwise = q.framesDecidedOtherwise(List.of(change));
        assertThat(otherwise.get((int) pfn)).isTrue();
        assertThat(otherwise.cardinality()).isEqualTo(KeptPagePrediction.MAX_BLOCK_PAGES + 1);
        ObservedLoad.FilteredComparison excused = load.compareFilteredDump(q, otherwise);
        assertThat(excused.differences()).as(excused.describe()).isEmpty();
        assertThat(q.framesDecidedOtherwise(List.of(new ByteChange(0x500000, new byte[1], new byte[] {1})))
                .cardinality()).as("a change outside the memblock area").isZero();
        assertThat(q.framesDecidedOtherwise(List.of(new ByteChange(q.layout().memblockStart(), new byte[1],
                new byte[] {1}))).cardinality()).as("a change in the memblock area outside the struct pages")
                .isEqualTo((int) q.classes().pageCount());
    }

    @Test
    void theDefaultCollectorStillWritesTheWholeVmcoreComparedByMib() throws IOException {
        ObservedLoad load = kdumpLoad("cp");
        assertThat(load.wroteFilteredVmcore()).isFalse();
        assertThat(load.pagesAtDump()).as("no per-page reference on the default path").isEmpty();
        ObservedLoad.DumpComparison c = load.compareDump();
        assertThat(c.matches()).as(c.describe()).isTrue();
    }

    /** A copy of the campaign template loaded with {@code collector} and no injection: kdump runs. */
    private ObservedLoad kdumpLoad(String collector) throws IOException {
        CampaignTemplate t = CampaignTemplate.ensure(dir, Campaign.DEFAULT_STORAGE);
        ScenarioRunner runner = new ScenarioRunner(t);
        Path m = dir.resolve("m-" + System.nanoTime());
        runner.restore(m);
        ObservedLoad load = HmcLoad.of(MachineDirectory.open(m), CampaignTemplate.DASD).reIpl(false)
                .coreCollector(CoreCollector.parse(collector)).run();
        assertThat(load.outcome().verdict().orElseThrow().passed()).isTrue();
        return load;
    }

    /**
     * Where things are in a kdump-compressed file (reference kdump-compressed.md §1.1-§1.5: block_size at
     * 428, sub_hdr_size at 432, bitmap_blocks at 436, big-endian; descriptors of 24 bytes, offset first).
     */
    record KdumpLayout(Path file, long secondBitmap, long descriptors, BitSet kept) {
        static KdumpLayout of(Path file) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                byte[] head = new byte[464];
                f.readFully(head);
                assertThat(new String(head, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("KDUMP   ");
                ByteBuffer h = ByteBuffer.wrap(head);
                long block = h.getInt(428);
                long bitmapBlocks = h.getInt(436) & 0xFFFF_FFFFL;
                long second = (1 + h.getInt(432)) * block + bitmapBlocks * block / 2;
                byte[] bits = new byte[(int) (bitmapBlocks * block / 2)];
                f.seek(second);
                f.readFully(bits);
                return new KdumpLayout(file, second, second + bits.length, BitSet.valueOf(bits));
            }
        }

        long nthKept(int n) {
            int p = kept.nextSetBit(0);
            for (int i = 0; i < n; i++) {
                p = kept.nextSetBit(p + 1);
            }
            return p;
        }

        /** The data offset of every kept page, in pfn order. */
        long[] dataOffsets() throws IOException {
            long[] o = new long[kept.cardinality()];
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                for (int n = 0; n < o.length; n++) {
                    f.seek(descriptors + 24L * n);
                    o[n] = f.readLong();
                }
            }
            return o;
        }
    }
}
