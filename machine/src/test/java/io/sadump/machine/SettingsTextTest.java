package io.sadump.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SettingsTextTest {
    @Test
    void settingsKeepTheirLineAndSkipBlankAndCommentLines() {
        assertThat(SettingsText.parse("# head\n\n  a = 1 \nb=two words\n\n# c = 3\nc =\n")).containsExactly(
                new SettingsText.Setting(3, "a", "1"), new SettingsText.Setting(4, "b", "two words"),
                new SettingsText.Setting(7, "c", ""));
        assertThat(SettingsText.parse("")).isEmpty();
    }

    @Test
    void aLineWithoutEqualsOrAKeySetTwiceNamesItsLine() {
        assertThatThrownBy(() -> SettingsText.parse("a = 1\n\nnothing here"))
                .hasMessage("line 3: expected 'key = value', got 'nothing here'");
        assertThatThrownBy(() -> SettingsText.parse("a = 1\nb = 2\na = 3"))
                .hasMessage("line 3: 'a' is already set on line 1");
    }

    @Test
    void anErrorAboutAValueIsPrefixedWithItsLine() {
        SettingsText.Setting s = SettingsText.parse("\nsize = lots").get(0);
        IllegalArgumentException cause = new IllegalArgumentException("not a size: 'lots'");
        assertThat(s.error(cause)).hasMessage("line 2: not a size: 'lots'").hasCause(cause);
    }
}
