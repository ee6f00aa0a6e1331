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
}
