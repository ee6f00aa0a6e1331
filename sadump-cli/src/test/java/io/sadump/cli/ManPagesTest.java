package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.interop.InteropTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The man pages: one per command, from the command model, rendered by groff and man without a warning. */
class ManPagesTest {
    @TempDir
    Path tmp;

    /** Every command's qualified name, except picocli's generic help commands. */
    static List<String> commandNames(CommandLine cl) {
        List<String> names = new ArrayList<>(List.of(cl.getCommandSpec().qualifiedName()));
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())
                    && !(e.getValue().getCommandSpec().userObject() instanceof CommandLine.HelpCommand)) {
                names.addAll(commandNames(e.getValue()));
            }
        }
        return names;
    }

    @Test
    void onePagePerCommandThatGroffRendersWithoutWarnings() throws Exception {
        List<Path> pages = ManPages.write(tmp);
        List<String> expected = commandNames(SadumpCommand.commandLine(Map.of())).stream()
                .map(n -> n.replace(' ', '-') + ".1").toList();
        assertThat(pages).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrderElementsOf(expected)
                .contains("sadump.1", "sadump-hmc-load.1", "sadump-machine-create.1", "sadump-completion.1");
        String groff = InteropTools.requireTool("groff");
        for (Path page : pages) {
            // -ww: every warning; -z: no output, only the diagnostics
            InteropTools.Result r = InteropTools.run(tmp, groff, "-man", "-Tutf8", "-ww", "-z", page.toString());
            assertThat(r.exitCode()).as("%s: %s", page, r.output()).isZero();
            assertThat(r.output()).as("groff on %s", page).isEmpty();
        }
    }

    @Test
    void manShowsThePageWithItsSectionsFromTheHelp() throws Exception {
        ManPages.write(tmp);
        String man = InteropTools.requireTool("man");
        InteropTools.Result r = InteropTools.run(tmp, "env", "MANWIDTH=200", man, "-P", "cat", "-l",
                tmp.resolve("sadump-dumpdev-prepare.1").toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        String text = r.output();
        assertThat(text).contains("NAME\n       sadump-dumpdev-prepare - Install the stand-alone dump tool on a DASD "
                        + "or tape (zipl -d, -M).")
                .contains("SYNOPSIS\n       sadump dumpdev prepare [-hV]")
                .contains("DESCRIPTION").contains("OPTIONS").contains("--size=").contains("EXAMPLES")
                .contains("EXIT STATUS").contains("70     internal error")
                .contains("ENVIRONMENT\n       SADUMP_DEBUG")
                .contains("SEE ALSO\n       sadump-dumpdev(1)");
        InteropTools.Result root = InteropTools.run(tmp, "env", "MANWIDTH=200", man, "-P", "cat", "-l",
                tmp.resolve("sadump.1").toString());
        assertThat(root.output()).contains("COMMANDS").contains("sadump-hmc(1)").contains("sadump-completion(1)");
    }

    @Test
    void troffControlCharactersInHelpTextAreEscaped() {
        assertThat(ManPage.escape(".hidden")).isEqualTo("\\&.hidden");
        assertThat(ManPage.escape("'quoted' --opt a\\b")).isEqualTo("\\(aqquoted\\(aq \\-\\-opt a\\eb");
    }
}
