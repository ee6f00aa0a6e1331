package io.sadump.cli;

import io.sadump.machine.AttachedDevice;
import io.sadump.machine.MachineDirectory;
import io.sadump.machine.MachineException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Tab completion in the HMC console, read from picocli's model of {@code sadump hmc}, so a subcommand
 * added to {@link HmcCommand} completes with no change here: the first word completes to the
 * subcommand names (and {@code exit}, {@code quit}); a word starting with {@code -} to that
 * subcommand's options; an option's value and a positional parameter to their
 * {@code completionCandidates}; a parameter labelled {@code DEVNO} to the device numbers attached to
 * the machine now; {@code help}'s parameter to the subcommand names.
 */
final class HmcCompleter implements Completer {
    static final String DEVNO_LABEL = "DEVNO";

    private final CommandSpec hmc;
    private final Path dir;

    HmcCompleter(CommandSpec hmc, Path dir) {
        this.hmc = hmc;
        this.dir = dir;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> before = line.words().subList(0, Math.min(line.wordIndex(), line.words().size()));
        String partial = line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        for (String s : candidates(before, partial)) {
            candidates.add(new Candidate(s));
        }
    }

    /** The words that may stand where {@code partial} is typed, after the words {@code before}. */
    List<String> candidates(List<String> before, String partial) {
        List<String> all = new ArrayList<>();
        if (before.isEmpty()) {
            all.addAll(HmcConsole.tasks(hmc));
            all.addAll(HmcConsole.LEAVE_WORDS);
            return matching(all, partial);
        }
        CommandLine sub = hmc.subcommands().get(before.get(0));
        if (sub == null) {
            return List.of();
        }
        CommandSpec spec = sub.getCommandSpec();
        if (sub.getCommand() instanceof CommandLine.HelpCommand) {
            return before.size() == 1 ? matching(new ArrayList<>(HmcConsole.tasks(hmc)), partial) : List.of();
        }
        int position = 0;
        OptionSpec wantsValue = null;
        for (String w : before.subList(1, before.size())) {
            if (wantsValue != null) {
                wantsValue = null;
                continue;
            }
            OptionSpec o = w.startsWith("-") && !w.contains("=") ? spec.findOption(w) : null;
            if (o != null) {
                wantsValue = o.arity().min() > 0 ? o : null;
            } else if (!w.startsWith("-")) {
                position++;
            }
        }
        if (wantsValue != null) {
            addAll(all, wantsValue.completionCandidates());
            return matching(all, partial);
        }
        if (partial.startsWith("-")) {
            for (OptionSpec o : spec.options()) {
                if (!o.hidden()) {
                    all.addAll(List.of(o.names()));
                }
            }
            return matching(all, partial);
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.index().contains(position)) {
                addAll(all, p.completionCandidates());
                if (DEVNO_LABEL.equals(p.paramLabel())) {
                    all.addAll(deviceNumbers(partial));
                }
            }
        }
        return matching(all, partial);
    }

    /**
     * The machine's attached devices now (a device attached while the console is open completes too):
     * {@code 0.0.0190}, or the short form {@code 190} that the tasks also take when the typed part does
     * not start the full form.
     */
    private List<String> deviceNumbers(String partial) {
        List<String> numbers = new ArrayList<>();
        try {
            for (AttachedDevice d : MachineDirectory.open(dir).config().devices()) {
                String full = d.number().toString();
                String shortForm = d.number().css() == 0 && d.number().ssid() == 0
                        ? Integer.toHexString(d.number().devno()) : full;
                numbers.add(partial.isEmpty() || full.startsWith(partial) ? full : shortForm);
            }
        } catch (MachineException e) {
            // a machine that cannot be read offers no device numbers; the command will say why
        }
        return numbers;
    }

    private static void addAll(List<String> to, Iterable<String> from) {
        if (from != null) {
            from.forEach(to::add);
        }
    }

    private static List<String> matching(List<String> all, String partial) {
        List<String> m = new ArrayList<>();
        for (String s : all) {
            if (s.startsWith(partial) && !m.contains(s)) {
                m.add(s);
            }
        }
        return m;
    }
}
