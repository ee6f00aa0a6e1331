package io.sadump.device.dumptool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.interop.HerculesChecks;
import io.sadump.device.ckd.EckdDasd;
import io.sadump.device.tape.TapeDrive;
import io.sadump.machine.DeviceNumber;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prepared devices IPL in Hercules 3.13 and stop in the disabled wait the tool names
 * ({@link SadumpIplProgram}); their images pass the Hercules checks.
 */
class DumpDeviceIplInteropTest {
    @TempDir
    Path dir;

    static String psw(long psw) {
        return String.format("%08X %08X", psw >>> 32, psw & 0xFFFFFFFFL);
    }

    @Test
    void preparedDasdIplsToTheSingleVolumeToolsWait() throws Exception {
        Path img = dir.resolve("d.3390");
        try (EckdDasd d = EckdDasd.create(img, 2, "DUMP01")) {
            DumpDevicePreparer.prepareDasd(d, new DumpToolOptions(OptionalLong.of(100 << 20), true, false));
        }
        HerculesChecks.assertHerculesAcceptsCkd(img, dir);
        HerculesChecks.IplResult r = HerculesChecks.ipl(img, "0190", "3390", dir);
        assertThat(r.disabledWait()).as("Hercules log:\n%s", r.log()).isTrue();
        assertThat(r.psw()).as("Hercules log:\n%s", r.log()).isEqualTo(psw(SadumpIplProgram.WAIT_PSW_ECKD_SINGLE));
    }

    @Test
    void multiVolumeDasdIplsToTheMultiVolumeToolsWait() throws Exception {
        Path a = dir.resolve("a.3390");
        Path b = dir.resolve("b.3390");
        try (EckdDasd da = EckdDasd.create(a, 1, "MV0001"); EckdDasd db = EckdDasd.create(b, 2, "MV0002")) {
            DumpDevicePreparer.prepareMultiVolume(List.of(new DumpDevicePreparer.Volume(DeviceNumber.parse("190"), da),
                    new DumpDevicePreparer.Volume(DeviceNumber.parse("191"), db)), DumpToolOptions.defaults(),
                    Instant.parse("2024-05-01T10:00:00Z"));
        }
        HerculesChecks.assertHerculesAcceptsCkd(a, dir);
        HerculesChecks.assertHerculesAcceptsCkd(b, dir);
        HerculesChecks.IplResult r = HerculesChecks.ipl(b, "0191", "3390", dir);
        assertThat(r.psw()).as("Hercules log:\n%s", r.log()).isEqualTo(psw(SadumpIplProgram.WAIT_PSW_ECKD_MULTI));
        assertThat(r.disabledWait()).isTrue();
    }

    @Test
    void preparedTapeIplsToTheTapeToolsWait() throws Exception {
        Path img = dir.resolve("t.aws");
        TapeDrive.createVolume(img);
        try (TapeDrive t = new TapeDrive("0.0.0181")) {
            t.mount(img, TapeDrive.DEFAULT_CAPACITY, true);
            DumpDevicePreparer.prepareTape(t, DumpToolOptions.defaults());
        }
        List<HerculesChecks.TapeFile> files = HerculesChecks.assertHerculesAcceptsAws(img, dir);
        assertThat(files).startsWith(new HerculesChecks.TapeFile(1, 1, 4096, 4096));
        HerculesChecks.IplResult r = HerculesChecks.ipl(img, "0181", "3480", dir);
        assertThat(r.psw()).as("Hercules log:\n%s", r.log()).isEqualTo(psw(SadumpIplProgram.WAIT_PSW_TAPE));
        assertThat(r.disabledWait()).isTrue();
    }

    @Test
    void unpreparedDasdIplsToTheDefaultWait() throws Exception {
        Path img = dir.resolve("u.3390");
        EckdDasd.create(img, 1, "NEW001").close();
        HerculesChecks.IplResult r = HerculesChecks.ipl(img, "0190", "3390", dir);
        assertThat(r.psw()).as("Hercules log:\n%s", r.log()).isEqualTo(psw(EckdDasd.UNPREPARED_IPL_PSW));
    }
}
