package io.sadump.machine;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the machine directory's text files ({@code machine.conf}, {@code cpus.state},
 * {@code run.state}, {@code storage.errors}) and the values they hold. Each parser documents {@link IllegalArgumentException}
 * naming the bad line ({@link MachineDirectory} turns it into a {@link MachineException}); any other
 * exception, or a hang, is a finding. The inputs under {@code SettingsFilesFuzzTestInputs/} are
 * replayed by every {@code mvn verify}; {@code JAZZER_FUZZ=1} fuzzes one target.
 */
class SettingsFilesFuzzTest {

    private static String text(byte[] data) {
        // the directory reads these files as UTF-8; malformed bytes become U+FFFD as in Files.readString's caller
        return new String(data, StandardCharsets.UTF_8);
    }

    @FuzzTest
    void settingsText(byte[] data) {
        try {
            SettingsText.parse(text(data));
        } catch (IllegalArgumentException expected) {
            // a line without '=' or a key set twice
        }
    }

    @FuzzTest
    void machineConfig(byte[] data) {
        try {
            MachineConfig config = MachineConfig.parse(text(data));
            // what was accepted must be writable and read back the same
            MachineConfig again = MachineConfig.parse(config.format());
            if (!again.format().equals(config.format())) {
                throw new AssertionError("machine.conf does not read back the same:\n" + config.format());
            }
        } catch (IllegalArgumentException expected) {
            // names the line that is wrong
        }
    }

    @FuzzTest
    void cpuStateFile(byte[] data) {
        try {
            CpuStateFile.parse(text(data));
        } catch (IllegalArgumentException expected) {
            // names the line that is wrong
        }
    }

    @FuzzTest
    void runState(byte[] data) {
        try {
            RunState.parse(text(data));
        } catch (IllegalArgumentException expected) {
            // names what is wrong
        }
    }

    @FuzzTest
    void unreadablePages(byte[] data) {
        try {
            UnreadablePages pages = UnreadablePages.parse(text(data));
            if (!UnreadablePages.parse(pages.format()).equals(pages)) {
                throw new AssertionError("storage.errors does not read back the same:\n" + pages.format());
            }
        } catch (IllegalArgumentException expected) {
            // names the line that is wrong
        }
    }

    @FuzzTest
    void values(byte[] data) {
        String s = text(data);
        try {
            Sizes.parse(s);
        } catch (IllegalArgumentException expected) {
            // InvalidValueException naming the text
        }
        try {
            DeviceNumber.parse(s);
        } catch (IllegalArgumentException expected) {
            // not a device number
        }
        try {
            CrashkernelRange.parse(s);
        } catch (IllegalArgumentException expected) {
            // not a crashkernel= value
        }
    }
}
