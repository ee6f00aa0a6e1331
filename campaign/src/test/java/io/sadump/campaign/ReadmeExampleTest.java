package io.sadump.campaign;

import static io.sadump.campaign.assertions.SadumpAssertions.assertThat;
import static io.sadump.meminfo.SegmentKind.KERNEL;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.fixtures.junit.ProductionSystemExtension;
import io.sadump.fixtures.junit.ProductionSystemSpec;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.MachineLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ProductionSystemExtension.class)
class ReadmeExampleTest {
    static final DeviceNumber DUMP_DASD = DeviceNumber.parse("0.0.0190");

    @Test
    void aFlippedKernelBitFallsBackToAFullDumpThatMatchesStorage(
            @ProductionSystemSpec(storage = "64M", dumpDasds = "0.0.0190") ProductionSystem system) throws Exception {
        try (MachineLock lock = system.machine().lock()) {
            CorruptionCatalogue.inject(system.machine(), lock, Corruption.SEGMENT_BITFLIP_KERNEL, 42);
        }

        ObservedLoad load = HmcLoad.of(system, DUMP_DASD).run();

        assertThat(load).fellBack().withCode(0x4533).namingSegment(KERNEL).dumpMatchesStorage();
    }

}
