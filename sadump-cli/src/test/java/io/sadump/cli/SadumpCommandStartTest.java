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
    void helpAndUnknownWordsGetTheWholeCommandLine() {
        int all = SadumpCommand.commandLine().getSubcommands().size();
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "zgetdump"}, {"nosuch"}}) {
            assertThat(SadumpCommand.commandLineFor(args).getSubcommands()).hasSize(all);
        }
    }

    @Test
    void versionBuildsNoSubcommandAndPrintsWhatTheWholeCommandLinePrints() {
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"--debug", "--version"}}) {
            CommandLine cl = SadumpCommand.commandLineFor(args);
            assertThat(cl.getSubcommands()).as(String.join(" ", args)).isEmpty();
            assertThat(run(cl, args)).isEqualTo(run(SadumpCommand.commandLine(), args));
        }
    }

    private static String run(CommandLine cl, String[] args) {
        java.io.StringWriter out = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out));
        assertThat(SadumpCommand.execute(cl, java.util.Map.of(), args)).isZero();
        return out.toString();
    }
}
