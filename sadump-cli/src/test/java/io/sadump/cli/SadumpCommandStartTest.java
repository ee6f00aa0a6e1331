package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The process's command line builds only the subcommand it runs, under the same names. */
class SadumpCommandStartTest {
    @Test
    void aNamedSubcommandIsBuiltAloneUnderTheSameRoot() {
        CommandLine cl = SadumpCommand.commandLineFor(new String[] {"archive", "create", "--help"});
        assertThat(cl.getSubcommands().keySet()).containsExactly("archive");
        assertThat(cl.getSubcommands().get("archive").getSubcommands().get("create").getCommandSpec().qualifiedName())
                .isEqualTo("sadump archive create");
        assertThat(cl.getCommandSpec().version()).isEqualTo(SadumpCommand.commandLine().getCommandSpec().version());
    }

    @Test
    void helpVersionAndUnknownWordsGetTheWholeCommandLine() {
        int all = SadumpCommand.commandLine().getSubcommands().size();
        for (String[] args : new String[][] {{}, {"--help"}, {"--version"}, {"help", "zgetdump"}, {"nosuch"}}) {
            assertThat(SadumpCommand.commandLineFor(args).getSubcommands()).hasSize(all);
        }
    }
}
