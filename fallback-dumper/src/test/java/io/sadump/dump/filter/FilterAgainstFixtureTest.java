package io.sadump.dump.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.fixtures.DumpLevelPrediction;
import io.sadump.fixtures.FirstKernel;
import io.sadump.fixtures.Workload;
import io.sadump.machine.AbsoluteStorage;
import io.sadump.machine.CrashkernelRange;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineConfig;
import io.sadump.machine.Sizes;
import io.sadump.machine.StorageMemorySource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The filter against the first kernel the fixtures build: for every workload and every dump level,
 * the pages the filter keeps of live storage are exactly those the fixture predicts from its own page
 * classes ({@link DumpLevelPrediction}, which never reads struct pages back). The filter finds the
 * struct pages as makedumpfile does: VMCOREINFO, mem_section, the kernel's DAT tables.
 */
class FilterAgainstFixtureTest {
    @ParameterizedTest(name = "{0} seed {1}, {2} MiB")
    @CsvSource({"MIXED,1,64", "MIXED,99,96", "RANDOM,3,64", "ZERO,1,80", "MIXED,5,16"})
    void everyLevelKeepsWhatTheFixturePredicts(Workload workload, long seed, long mib) throws IOException {
        long size = mib * Sizes.MIB;
        AbsoluteStorage storage = AbsoluteStorage.inMemory(size);
        Optional<CrashkernelRange> ck = Optional.of(new CrashkernelRange(size / 4, size / 4));
        FirstKernel.BootResult boot = FirstKernel.boot(storage, MachineConfig.of(size, 2, ck), workload, seed,
                "fixture", new DeviceNumber(0, 0, 0x100));
        DumpLevelPrediction prediction = DumpLevelPrediction.of(workload, seed, size, ck);
        StorageMemorySource memory = new StorageMemorySource(storage);
        Optional<String> vmcoreinfo = Optional.of(boot.vmcoreinfo().text());
        List<String> problems = new ArrayList<>();
        for (int level = 0; level <= DumpLevelFilter.MAX_DUMP_LEVEL; level++) {
            FilteredPages kept = DumpLevelFilter.filter(memory, vmcoreinfo, level);
            BitSet expected = prediction.kept(level);
            BitSet actual = new BitSet();
            for (long p = kept.nextKept(0); p >= 0; p = kept.nextKept(p + 1)) {
                actual.set((int) p);
            }
            if (!actual.equals(expected)) {
                BitSet extra = (BitSet) actual.clone();
                extra.andNot(expected);
                BitSet lost = (BitSet) expected.clone();
                lost.andNot(actual);
                problems.add(String.format("-d %d: kept but predicted filtered %d (first %d, %s); filtered but predicted"
                        + " kept %d (first %d)", level, extra.cardinality(), extra.nextSetBit(0),
                        extra.isEmpty() ? "-" : prediction.classOf(extra.nextSetBit(0)), lost.cardinality(),
                        lost.nextSetBit(0)));
            }
        }
        assertThat(problems).as("%s seed %d", workload, seed).isEmpty();
    }

    /**
     * A large system with little in use ({@code machine create --in-use}): the workload fills only the
     * first {@code inUse} bytes, everything above is free memory that nobody writes (its struct pages
     * share one vmemmap frame), and the filter still keeps exactly what the fixture predicts.
     */
    @ParameterizedTest(name = "{0} seed {1}, {3} of {2} MiB in use")
    @CsvSource({"MIXED,1,512,96", "MIXED,7,320,64", "RANDOM,2,256,48"})
    void aSystemWithLittleInUseKeepsWhatTheFixturePredicts(Workload workload, long seed, long mib, long inUseMib)
            throws IOException {
        long size = mib * Sizes.MIB;
        long inUse = inUseMib * Sizes.MIB;
        AbsoluteStorage storage = AbsoluteStorage.inMemory(size);
        Optional<CrashkernelRange> ck = Optional.of(new CrashkernelRange(16 * Sizes.MIB, 16 * Sizes.MIB));
        FirstKernel.BootResult boot = FirstKernel.boot(storage, MachineConfig.of(size, 2, ck), workload, seed, inUse,
                "fixture", new DeviceNumber(0, 0, 0x100), done -> { });
        DumpLevelPrediction prediction = DumpLevelPrediction.of(workload, seed, size, ck, inUse);
        String why = workload + " seed " + seed + ", " + inUseMib + " of " + mib + " MiB in use";

        // above the memory in use, only the kernel's own frames (page tables, struct pages) are written;
        // every other frame is free memory that nobody wrote
        long pagesPerFrame = io.sadump.machine.FrameRecord.FRAME_SIZE / AbsoluteStorage.PAGE_SIZE;
        long freeFrames = 0;
        for (long f = inUse >>> io.sadump.machine.FrameRecord.FRAME_SHIFT; f < size >>> 20; f++) {
            io.sadump.fixtures.PageClass c = prediction.classOf(f * pagesPerFrame);
            if (c == io.sadump.fixtures.PageClass.RESERVED) {
                continue;
            }
            assertThat(c).as("%s: frame %d", why, f).isEqualTo(io.sadump.fixtures.PageClass.FREE);
            assertThat(storage.writtenFrames().isWritten(f)).as("%s: frame %d written", why, f).isFalse();
            assertThat(prediction.zeroContent(f * pagesPerFrame)).as("%s: frame %d", why, f).contains(true);
            freeFrames++;
        }
        assertThat(freeFrames).as(why).isGreaterThan((size - inUse) / io.sadump.machine.FrameRecord.FRAME_SIZE * 3 / 4);

        StorageMemorySource memory = new StorageMemorySource(storage);
        Optional<String> vmcoreinfo = Optional.of(boot.vmcoreinfo().text());
        List<String> problems = new ArrayList<>();
        for (int level : new int[] {0, 1, 2, 8, 16, 17, 24, 31}) {
            FilteredPages kept = DumpLevelFilter.filter(memory, vmcoreinfo, level);
            BitSet expected = prediction.kept(level);
            BitSet actual = new BitSet();
            for (long p = kept.nextKept(0); p >= 0; p = kept.nextKept(p + 1)) {
                actual.set((int) p);
            }
            if (!actual.equals(expected)) {
                BitSet extra = (BitSet) actual.clone();
                extra.andNot(expected);
                BitSet lost = (BitSet) expected.clone();
                lost.andNot(actual);
                problems.add(String.format("-d %d: kept but predicted filtered %d (first %d); filtered but predicted"
                        + " kept %d (first %d)", level, extra.cardinality(), extra.nextSetBit(0), lost.cardinality(),
                        lost.nextSetBit(0)));
            }
            if ((level & 16) != 0) {
                // free memory is gone: what is kept above the memory in use is the kernel's alone
                long above = actual.get((int) (inUse / AbsoluteStorage.PAGE_SIZE), (int) (size / AbsoluteStorage.PAGE_SIZE))
                        .cardinality();
                assertThat(above).as("%s, -d %d: pages kept above the memory in use", why, level)
                        .isLessThan((size - inUse) / AbsoluteStorage.PAGE_SIZE / 16);
            }
        }
        assertThat(problems).as(why).isEmpty();
    }
}
