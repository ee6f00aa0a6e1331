package io.sadump.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.fixtures.ProductionSystem;
import io.sadump.fixtures.junit.ProductionSystemExtension;
import io.sadump.fixtures.junit.ProductionSystemSpec;
import io.sadump.ipl.AfterDump;
import io.sadump.machine.CpuStateException;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.RunState;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link HmcLoad} goes through the HMC's rule: it stops running CPUs first, or is refused when told not to. */
@ExtendWith(ProductionSystemExtension.class)
@ProductionSystemSpec(storage = "64M", dumpDasds = "0.0.0190")
class HmcLoadRuleTest {
    static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");

    @Test
    void withoutStopFirstARunningSystemIsRefusedAndNothingChanges(ProductionSystem system) throws Exception {
        MachineDirectory m = system.machine();
        assertThat(m.runState()).isEqualTo(RunState.operating());
        byte[] cpus = Files.readAllBytes(m.path().resolve(MachineDirectory.CPUS));
        int logLines = m.console().size();
        assertThatThrownBy(() -> HmcLoad.of(system, DASD).stopFirst(false).run())
                .isInstanceOf(CpuStateException.class).hasMessageContaining("stopped first");
        assertThat(Files.readAllBytes(m.path().resolve(MachineDirectory.CPUS))).isEqualTo(cpus);
        assertThat(m.console()).hasSize(logLines);
        assertThat(m.runState()).isEqualTo(RunState.operating());
    }

    @Test
    void byDefaultTheOperatorStopsFirstAndTheLogSaysSo(ProductionSystem system) throws Exception {
        ObservedLoad load = HmcLoad.of(system, DASD).reIpl(false).run();
        assertThat(load.outcome().after()).isIn(AfterDump.REIPL, AfterDump.DISABLED_WAIT);
        MachineDirectory m = system.machine();
        assertThat(m.runState()).isEqualTo(load.outcome().runState());
        assertThat(m.console()).anyMatch(l -> l.contains("HMC: stop: 2 CPUs stopped (operating before)"));
        int stop = indexOf(m, "HMC: stop:");
        int hmcLoad = indexOf(m, "HMC: load 0.0.0190");
        assertThat(stop).isLessThan(hmcLoad);
    }

    private static int indexOf(MachineDirectory m, String text) {
        var lines = m.console();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
