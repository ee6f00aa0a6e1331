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
}
