package io.sadump.hmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sadump.machine.InvalidValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount by name only: under the machine directory or the library, nothing outside. */
class MountLibraryTest {
    @TempDir
    Path tmp;

    @Test
    void namesResolveUnderTheRootsAndEverythingLeavingThemIsRefused() throws Exception {
        Path machine = Files.createDirectories(tmp.resolve("sys1"));
        Path library = Files.createDirectories(tmp.resolve("lib"));
        Path outside = Files.writeString(tmp.resolve("secret.aws"), "x");
        Files.writeString(machine.resolve("fresh.aws"), "t");
        Files.writeString(library.resolve("spare.3390"), "d");
        Files.createSymbolicLink(library.resolve("escape.aws"), outside);
        MountLibrary lib = new MountLibrary(machine, Optional.of(library));

        assertThat(lib.resolve("fresh.aws")).isEqualTo(machine.resolve("fresh.aws").toRealPath());
        assertThat(lib.resolve("spare.3390")).isEqualTo(library.resolve("spare.3390").toRealPath());
        assertThat(lib.images()).as("a link that leaves the library is not offered").containsExactly("fresh.aws", "spare.3390");
        for (String bad : new String[] {outside.toString(), "../secret.aws", "sub/../../secret.aws", "", " "}) {
            assertThatThrownBy(() -> lib.resolve(bad)).as(bad).isInstanceOf(InvalidValueException.class);
        }
        assertThatThrownBy(() -> lib.resolve("escape.aws")).hasMessageContaining("leads out of");
        assertThatThrownBy(() -> lib.resolve("none.aws")).hasMessageStartingWith("no image 'none.aws' in ");
        assertThatThrownBy(() -> new MountLibrary(machine, Optional.empty()).resolve("spare.3390"))
                .hasMessageStartingWith("no image");
    }
}
