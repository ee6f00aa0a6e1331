package io.sadump.interop;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing interop tool fails the test when interop is required, and only skips it otherwise. */
class InteropToolsTest {
    @Test
    void missingToolFailsWhenRequiredAndSkipsOtherwise() {
        String old = System.getProperty("sadump.interop");
        try {
            System.setProperty("sadump.interop", "required");
            assertThatThrownBy(() -> InteropTools.requireTools("no-such-tool-sadump")).isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("no-such-tool-sadump");
            System.clearProperty("sadump.interop");
            assertThatThrownBy(() -> InteropTools.requireTools("no-such-tool-sadump"))
                    .isInstanceOf(TestAbortedException.class);
        } finally {
            if (old == null) {
                System.clearProperty("sadump.interop");
            } else {
                System.setProperty("sadump.interop", old);
            }
        }
    }

    @Test
    void aMissingMakedumpfileRootFailsWhenRequired() {
        String old = System.getProperty("sadump.interop");
        String oldRoot = System.getProperty("sadump.makedumpfile.root");
        try {
            System.setProperty("sadump.interop", "required");
            System.setProperty("sadump.makedumpfile.root", "/nonexistent/sadump-makedumpfile");
            assertThatThrownBy(InteropTools::requireMakedumpfile).isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("/nonexistent/sadump-makedumpfile");
        } finally {
            restore("sadump.interop", old);
            restore("sadump.makedumpfile.root", oldRoot);
        }
    }

    @Test
    void theRealMakedumpfileRunsUnderQemu() {
        InteropTools.Result r = InteropTools.makedumpfile(null, java.util.List.of("-v"));
        org.assertj.core.api.Assertions.assertThat(r.output()).as("makedumpfile -v").contains("version 1.7.2");
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
