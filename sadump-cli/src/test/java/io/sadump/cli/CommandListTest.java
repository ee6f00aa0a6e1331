package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command lists of {@code sadump --help} and of every command with subcommands: one line per
 * command, a whole sentence, short enough to read at a glance.
 */
class CommandListTest {
    static final int MAX_LINE = 100;
    static final Pattern ENTRY = Pattern.compile("^  (\\S+)\\s+(\\S.*)$");

    /** Every command line of the model that has subcommands, the root first. */
    static List<CommandLine> parents(CommandLine cl) {
        List<CommandLine> all = new ArrayList<>();
        if (!cl.getSubcommands().isEmpty()) {
            all.add(cl);
        }
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())) {
                all.addAll(parents(e.getValue()));
            }
        }
        return all;
    }

    /** The lines of the "Commands:" section of a usage text. */
    static List<String> commandList(String usage) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : usage.split("\n", -1)) {
            if (line.equals("Commands:")) {
                in = true;
            } else if (in && line.isBlank()) {
                break;
            } else if (in) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** What picocli shows for a command in its parent's list: the first header line, else the first description line. */
    static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        String[] description = spec.usageMessage().description();
        return String.format(header.length > 0 ? header[0] : description[0]);
    }

    @Test
    void everyCommandListHasOneWholeShortLinePerCommand() {
        List<CommandLine> parents = parents(SadumpCommand.commandLine(Map.of()));
        assertThat(parents).extracting(p -> p.getCommandSpec().qualifiedName())
                .contains("sadump", "sadump machine", "sadump kexec", "sadump dumpdev", "sadump hmc", "sadump archive");
        for (CommandLine parent : parents) {
            String name = parent.getCommandSpec().qualifiedName();
            String usage = parent.getUsageMessage(CommandLine.Help.Ansi.OFF);
            List<String> list = commandList(usage);
            assertThat(list).as("the command list of %s", name).hasSize(parent.getSubcommands().size());
            for (String line : list) {
                Matcher m = ENTRY.matcher(line);
                assertThat(m.matches()).as("%s: '%s' is a command and its summary on one line", name, line).isTrue();
                CommandLine sub = parent.getSubcommands().get(m.group(1));
                assertThat(sub).as("%s lists '%s'", name, m.group(1)).isNotNull();
                assertThat(line.length()).as("%s: '%s'", name, line).isLessThan(MAX_LINE);
                String s = summary(sub.getCommandSpec());
                assertThat(m.group(2)).as("%s: the whole summary of %s, not cut", name, m.group(1)).isEqualTo(s);
                assertThat(s).as("%s: a whole sentence", s).matches("[A-Z].*\\w[.)]?\\.$");
            }
        }
    }

    @Test
    void theRootListNamesEveryCommand() {
        List<String> names = commandList(CliRun.of("--help").out()).stream()
                .map(l -> l.strip().split("\\s+")[0]).toList();
        assertThat(names).containsExactly("demo", "machine", "kexec", "inject", "meminfo", "dumpdev", "hmc",
                "zgetdump", "archive", "campaign", "cksm", "completion", "help");
    }
}
