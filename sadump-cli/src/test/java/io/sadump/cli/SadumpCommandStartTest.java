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
    void aGroupWithoutOptionsHoldsOnlyTheLeafThatRuns() {
        CommandLine archive = SadumpCommand.commandLineFor(new String[] {"archive", "create", "d", "-o", "a"})
                .getSubcommands().get("archive");
        assertThat(archive.getSubcommands().keySet()).containsExactly("create");
        // hmc's leaves read its options (@ParentCommand): the group is built whole
        CommandLine hmc = SadumpCommand.commandLineFor(new String[] {"hmc", "load", "190"}).getSubcommands().get("hmc");
        assertThat(hmc.getSubcommands()).hasSameSizeAs(SadumpCommand.commandLine().getSubcommands().get("hmc")
                .getSubcommands());
        // help needs its siblings
        CommandLine help = SadumpCommand.commandLineFor(new String[] {"archive", "help", "create"})
                .getSubcommands().get("archive");
        assertThat(help.getSubcommands()).containsKeys("create", "verify", "help");
    }

    /**
     * Every command two words deep prints the same help, and the same usage error, from the command line
     * built for it as from the whole one.
     */
    @Test
    void everyLeafPrintsWhatTheWholeCommandLinePrints() {
        CommandLine whole = SadumpCommand.commandLine();
        int leaves = 0;
        for (var top : whole.getSubcommands().entrySet()) {
            for (String leaf : top.getValue().getSubcommands().keySet()) {
                for (String[] args : new String[][] {{top.getKey(), leaf, "--help"},
                        {top.getKey(), leaf, "--no-such-option"}, {"--debug", top.getKey(), leaf, "-h"}}) {
                    assertThat(output(SadumpCommand.commandLineFor(args), args)).as(String.join(" ", args))
                            .isEqualTo(output(SadumpCommand.commandLine(), args));
                }
                leaves++;
            }
        }
        assertThat(leaves).isGreaterThan(20);
    }

    private static String output(CommandLine cl, String[] args) {
        java.io.StringWriter out = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(out));
        int code = SadumpCommand.execute(cl, java.util.Map.of(), args);
        return code + "\n" + out;
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
