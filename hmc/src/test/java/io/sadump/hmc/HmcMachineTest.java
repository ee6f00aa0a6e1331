package io.sadump.hmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.ipl.AfterDump;
import io.sadump.ipl.LoadOutcome;
import io.sadump.ipl.LoadRequest;
import io.sadump.machine.CpuControls;
import io.sadump.machine.CpuStateException;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.RunState;
import io.sadump.meminfo.VerdictResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HMC tasks through {@link HmcMachine}: status, the CPU controls, load, the rules, the records. */
class HmcMachineTest {
    @TempDir
    Path tmp;
    Path dir;
    final List<TaskRecord> records = new ArrayList<>();
    HmcMachine machine;

    @BeforeEach
    void machine() throws Exception {
        dir = TestMachines.copy(tmp.resolve("sys1"));
        machine = HmcMachine.open(dir).recordedBy(records::add);
    }

    /** Collects what a task shows. */
    static final class Seen implements TaskObserver {
        final List<String> lines = new ArrayList<>();
        final List<long[]> progress = new ArrayList<>();

        @Override
        public synchronized void message(String line) {
            lines.add(line);
        }

        @Override
        public synchronized void progress(long done, long total) {
            progress.add(new long[] {done, total});
        }
    }

    @Test
    void theStatusOfARunningSystemWithKdumpLoaded() {
        MachineStatus s = machine.status();
        assertThat(s.name()).isEqualTo("sys1");
        assertThat(s.storageBytes()).isEqualTo(TestMachines.STORAGE);
        assertThat(s.cpuCount()).isEqualTo(2);
        assertThat(s.runWord()).isEqualTo("operating");
        assertThat(s.psws()).hasSize(2).allSatisfy(p -> assertThat(p.psw()).matches("[0-9A-F]{32}"));
        var cpu0 = MachineDirectory.open(dir).cpus().get(0);
        assertThat(s.psws().get(0).psw()).isEqualTo(String.format("%016X%016X", cpu0.pswMask(), cpu0.pswAddress()));
        assertThat(s.kdumpLoaded()).isTrue();
        assertThat(s.verdict().passed()).isTrue();
        assertThat(s.verdict().hex()).isEqualTo("0x0000");
        assertThat(s.verdict().summary()).isEqualTo("PASS: kdump can start");
        assertThat(s.devices()).extracting(MachineStatus.DeviceStatus::devno).containsExactly("0.0.0181", "0.0.0190");
        assertThat(s.devices()).extracting(MachineStatus.DeviceStatus::type).containsExactly("3490", "3390");
        assertThat(s.lastDump()).isEmpty();
        assertThat(s.storageMap().size()).isEqualTo(TestMachines.STORAGE);
        assertThat(s.storageMap().regions()).extracting(MachineStatus.Region::kind).contains("lowcore", "crashkernel",
                "segment");
    }

    @Test
    void stopThenLoadWithStoreStatusWritesAVmcoreAndEveryLineGoesToTheLogTheFeedAndTheObserver() throws Exception {
        CpuControls.Result stop = machine.stop(TaskContext.local(TaskObserver.NONE));
        assertThat(stop.after()).isEqualTo(RunState.stopped());
        long before = machine.console().last();
        Seen seen = new Seen();
        LoadOutcome o = machine.load(new LoadRequest(TestMachines.DASD, false, true, ""),
                new TaskContext("alice", "web 127.0.0.1", seen));

        assertThat(o.verdict()).map(VerdictResult::passed).contains(true);
        assertThat(o.dumpComplete()).isTrue();
        assertThat(o.after()).isEqualTo(AfterDump.REIPL);
        assertThat(seen.lines).isNotEmpty().contains("zIPL v2.31.0 dump tool (64 bit)").anyMatch(l -> l.contains("kdump: saved vmcore"));
        assertThat(seen.progress).isNotEmpty().allSatisfy(p -> assertThat(p[1]).isPositive());
        // the log holds each line the observer saw, in order, after what was there before
        List<ConsoleLine> logged = machine.console().since(before);
        assertThat(logged).extracting(ConsoleLine::text).containsSubsequence(seen.lines);
        assertThat(logged.get(0).seq()).isEqualTo(before + 1);
        assertThat(machine.runState()).isEqualTo(RunState.operating());
        List<DumpEntry> dumps = machine.dumps();
        assertThat(dumps).hasSize(1);
        assertThat(dumps.get(0).kind()).isEqualTo(DumpEntry.VMCORE);
        assertThat(dumps.get(0).complete()).isTrue();
        assertThat(dumps.get(0).info()).isPresent();
        assertThat(machine.status().lastDump()).hasValueSatisfying(d -> {
            assertThat(d.kind()).isEqualTo("vmcore");
            assertThat(d.complete()).isTrue();
        });
        assertThat(records).extracting(TaskRecord::task).containsExactly("Stop All", "Load");
        TaskRecord load = records.get(1);
        assertThat(load.user()).isEqualTo("alice");
        assertThat(load.origin()).isEqualTo("web 127.0.0.1");
        assertThat(load.machine()).isEqualTo("sys1");
        assertThat(load.allowed()).isTrue();
        assertThat(load.options()).isEqualTo("devno=0.0.0190 store-status");
        assertThat(load.outcome()).startsWith("PASS: kdump can start; dump ");
        assertThat(Files.exists(dir.resolve(TaskLock.NOTE))).as("the holder note goes with the task").isFalse();
    }

    @Test
    void aNormalLoadOfOperatingCpusIsRefusedWithTheFixRecordedAndNothingChanges() throws Exception {
        byte[] cpus = Files.readAllBytes(dir.resolve("cpus.state"));
        byte[] log = Files.readAllBytes(dir.resolve("console.log"));
        assertThatThrownBy(() -> machine.load(new LoadRequest(TestMachines.DASD, false, true, ""),
                TaskContext.local(TaskObserver.NONE))).isInstanceOf(CpuStateException.class)
                .hasMessageContaining("are operating: stop them first (sadump hmc " + dir + " stop)");
        assertThat(Files.readAllBytes(dir.resolve("cpus.state"))).isEqualTo(cpus);
        assertThat(Files.readAllBytes(dir.resolve("console.log"))).isEqualTo(log);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.allowed()).isFalse();
            assertThat(r.outcome()).startsWith("refused: the CPUs of ");
        });
    }

    @Test
    void startAndResetRecordTheirOutcome() {
        machine.stop(TaskContext.local(TaskObserver.NONE));
        CpuControls.Result start = machine.start(TaskContext.local(TaskObserver.NONE));
        assertThat(start.after()).isEqualTo(RunState.operating());
        CpuControls.Result reset = machine.reset(false, TaskContext.local(TaskObserver.NONE));
        assertThat(reset.after()).isEqualTo(RunState.stopped());
        assertThat(records).extracting(TaskRecord::task).containsExactly("Stop All", "Start All", "Reset Normal");
        assertThat(records).extracting(TaskRecord::user).containsOnly(TaskContext.localUser());
        assertThat(records).extracting(TaskRecord::origin).containsOnly("local");
    }

    @Test
    void loadParametersAreCheckedAsTheHmcDoes() {
        assertThat(LoadParameter.check("abc.1@$#")).isEqualTo("ABC.1@$#");
        assertThat(LoadParameter.check("")).isEmpty();
        assertThat(LoadParameter.check("A B")).isEqualTo("A B");
        assertThatThrownBy(() -> LoadParameter.check("123456789")).isInstanceOf(InvalidValueException.class)
                .hasMessage("a load parameter has at most 8 characters, '123456789' has 9");
        assertThatThrownBy(() -> LoadParameter.check("A-B")).isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("not '-'");
        assertThatThrownBy(() -> LoadParameter.check("A\nB")).hasMessageContaining("\\x0A");
    }

    @Test
    void storageRangesAreParsedAndLimited() {
        assertThat(StorageRange.parse("0x1200", null)).isEqualTo(new StorageRange(0x1200, 256));
        assertThat(StorageRange.parse("1M", "4K")).isEqualTo(new StorageRange(1 << 20, 4096));
        assertThatThrownBy(() -> StorageRange.parse("0x0", "2M")).hasMessage("the length must be 1 to 1M bytes, not 2M");
        assertThatThrownBy(() -> StorageRange.parse("zz", null)).hasMessageContaining("not an address: 'zz'");
        StorageBytes b = machine.storage(StorageRange.parse("0x0", "0x10"));
        assertThat(b.bytes()).hasSize(16);
    }

    @Test
    void withoutAKdumpKernelTheDumpGoesToTheDeviceAndDumpsListsItWithItsFacts() throws Exception {
        MachineDirectory md = MachineDirectory.open(dir);
        try (io.sadump.machine.MachineLock lock = md.lock()) {
            io.sadump.fixtures.KexecLoad.unload(md, lock);
        }
        assertThat(machine.status().kdumpLoaded()).isFalse();
        assertThat(machine.status().verdict().passed()).isFalse();
        assertThat(machine.status().verdict().hex()).isNotEqualTo("0x0000");
        machine.stop(TaskContext.local(TaskObserver.NONE));
        LoadOutcome o = machine.load(new LoadRequest(TestMachines.DASD, false, true, ""),
                TaskContext.local(TaskObserver.NONE));
        assertThat(o.dumpComplete()).isTrue();
        List<DumpEntry> dumps = machine.dumps();
        assertThat(dumps).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DumpEntry.DEVICE);
            assertThat(d.device()).contains("0.0.0190");
            assertThat(d.complete()).isTrue();
            assertThat(d.info()).hasValueSatisfying(i -> {
                assertThat(i.format()).isEqualTo("s390_ext");
                assertThat(i.realMemorySize()).isEqualTo(TestMachines.STORAGE);
            });
        });
        assertThat(machine.dumps()).as("asked again: the same facts").isEqualTo(dumps);
        assertThat(machine.status().lastDump()).hasValueSatisfying(d -> assertThat(d.kind()).isEqualTo("s390_ext"));
    }

    @Test
    void mountByNameTakesImagesFromTheMachineDirectoryAndARefusedNameIsRecorded() throws Exception {
        Files.write(dir.resolve("fresh.aws"), new byte[0]);
        Files.write(tmp.resolve("outside.aws"), new byte[0]);
        Seen seen = new Seen();
        var r = machine.mount("181", "fresh.aws", new TaskContext("otto", "web 127.0.0.1", seen));
        assertThat(r.device()).isEqualTo(TestMachines.TAPE);
        assertThat(seen.lines).containsExactly(r.message());
        assertThat(machine.console().since(machine.console().last() - 1)).extracting(ConsoleLine::text)
                .containsExactly(r.message());
        assertThatThrownBy(() -> machine.mount("181", "../outside.aws", new TaskContext("mallory", "web 10.6.6.6",
                TaskObserver.NONE))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> machine.mount("181", tmp.resolve("outside.aws").toString(),
                new TaskContext("mallory", "web 10.6.6.6", TaskObserver.NONE))).isInstanceOf(InvalidValueException.class);
        assertThat(records).extracting(TaskRecord::user, TaskRecord::allowed).containsExactly(
                org.assertj.core.groups.Tuple.tuple("otto", true), org.assertj.core.groups.Tuple.tuple("mallory", false),
                org.assertj.core.groups.Tuple.tuple("mallory", false));
        assertThat(records.get(1).options()).isEqualTo("devno=181 image=../outside.aws");
        assertThat(records.get(1).outcome()).startsWith("refused: an image name may not contain '..'");
    }
}
