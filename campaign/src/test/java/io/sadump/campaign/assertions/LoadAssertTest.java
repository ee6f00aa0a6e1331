package io.sadump.campaign.assertions;

import static io.sadump.campaign.assertions.SadumpAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.campaign.HmcLoad;
import io.sadump.campaign.ObservedLoad;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.fixtures.junit.ProductionSystemExtension;
import io.sadump.fixtures.junit.ProductionSystemSpec;
import io.sadump.device.ckd.CkdGeometry;
import io.sadump.ipl.AfterDump;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.FileStorage;
import io.sadump.machine.Lowcore;
import io.sadump.machine.MachineLock;
import io.sadump.meminfo.SegmentKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ProductionSystemExtension.class)
@ProductionSystemSpec(storage = "64M", dumpDasds = "0.0.0190", dumpTapes = "0.0.0181")
class LoadAssertTest {
    static final DeviceNumber DASD = DeviceNumber.parse("0.0.0190");

    @Test
    void aKdumpLoadFailsTheFallbackAssertionsWithTheVerdictInTheMessage(ProductionSystem system) throws Exception {
        ObservedLoad load = HmcLoad.of(system, DASD).run();

        assertThat(load).startedKdump().dumpComplete().endedIn(AfterDump.REIPL).dumpMatchesStorage();
        assertThatThrownBy(() -> assertThat(load).fellBack()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the dumper to fall back").hasMessageContaining("PASS: kdump can start");
        assertThatThrownBy(() -> assertThat(load).withCode(0x4533)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected verdict code 0x4533");
        assertThatThrownBy(() -> assertThat(load).namingSegment(SegmentKind.KERNEL))
                .isInstanceOf(AssertionError.class).hasMessageContaining("names none");
    }

    @Test
    void aFilteredVmcoreMatchesStoragePageByPageUntilItsFileIsChanged(ProductionSystem system) throws Exception {
        ObservedLoad load = HmcLoad.of(system, DASD).reIpl(false)
                .coreCollector(io.sadump.machine.CoreCollector.parse("makedumpfile -d 31")).run();
        assertThat(load).startedKdump().dumpMatchesStorage();

        // the last byte of the file is in the data of the last page stored: changed behind the writer's back
        Path vmcore = Path.of(load.outcome().paths().get(0));
        byte[] all = Files.readAllBytes(vmcore);
        all[all.length - 1] ^= 0x10;
        Files.write(vmcore, all);
        assertThatThrownBy(() -> assertThat(load).dumpMatchesStorage()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the filtered dump to hold what its dump level keeps of storage")
                .hasMessageContaining("1 kept pages differ from storage at dump time, the first pfn 0x");
    }

    @Test
    void aDumpDamagedAfterTheLoadDoesNotMatchStorage(ProductionSystem system) throws Exception {
        try (MachineLock lock = system.machine().lock(); FileStorage s = system.machine().openStorage(lock)) {
            s.putU64(Lowcore.MEMINFO_POINTER, 0);
        }
        ObservedLoad load = HmcLoad.of(system, DASD).reIpl(false).run();
        assertThat(load).fellBack().withCode(0x4520).endedIn(AfterDump.REIPL.equals(load.outcome().after())
                ? AfterDump.REIPL : AfterDump.DISABLED_WAIT).dumpMatchesStorage();
        assertThatThrownBy(() -> assertThat(load).startedKdump()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("FAIL 0x4520");

        // the dump on the DASD is changed behind the dumper's back: track 3 (inside the dump's data) overwritten
        Path image = system.machine().deviceImage(system.machine().config().device(DASD).orElseThrow());
        byte[] all = Files.readAllBytes(image);
        CkdGeometry g = new CkdGeometry((int) system.machine().config().device(DASD).orElseThrow().capacity());
        java.util.Arrays.fill(all, (int) g.trackOffset(3), (int) g.trackOffset(4), (byte) 0xA5);
        Files.write(image, all);
        assertThatThrownBy(() -> assertThat(load).dumpMatchesStorage()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the dump to");
    }

    @Test
    void aTapeDumpIsNotReadBackAndSaysSo(ProductionSystem system) throws Exception {
        try (MachineLock lock = system.machine().lock(); FileStorage s = system.machine().openStorage(lock)) {
            s.putU64(Lowcore.MEMINFO_POINTER, 0);
        }
        ObservedLoad load = HmcLoad.of(system, DeviceNumber.parse("0.0.0181")).run();
        assertThat(load).fellBack().withCode(0x4520).dumpComplete();
        assertThatThrownBy(() -> assertThat(load).dumpMatchesStorage()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("classic dump");
    }
}
