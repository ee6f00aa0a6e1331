package io.sadump.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * One command of the model as a man(7) page in troff, the source {@code man -l} renders: NAME,
 * SYNOPSIS, DESCRIPTION, ARGUMENTS, OPTIONS, COMMANDS, the footer's sections (EXAMPLES...), EXIT STATUS,
 * ENVIRONMENT and SEE ALSO, all from the same annotations {@code --help} prints. The pages are named
 * as git names its own: {@code sadump-machine-create(1)} for {@code sadump machine create}.
 */
final class ManPage {
    static final String SECTION = "1";
    /** Footer lines like "Examples:" start a section of the page. */
    private static final java.util.regex.Pattern FOOTER_HEADING = java.util.regex.Pattern.compile("[A-Z][A-Za-z ]*:");

    private final CommandSpec spec;
    private final CommandSpec root;
    private final String version;
    private final StringBuilder out = new StringBuilder();

    /**
     * @param spec the command of the page
     * @param version what the page footer names, e.g. "sadump 0.1.0"
     */
    ManPage(CommandSpec spec, String version) {
        this.spec = spec;
        CommandSpec r = spec;
        while (r.parent() != null) {
            r = r.parent();
        }
        this.root = r;
        this.version = version;
    }

    /** The page's name: the qualified command name with dashes, {@code sadump-hmc-load}. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName().replace(' ', '-');
    }

    /** The file the page goes in: {@code sadump-hmc-load.1}. */
    static String fileName(CommandSpec spec) {
        return pageName(spec) + "." + SECTION;
    }

    /** The one-line summary of a command: its first header line, else the first sentence of its description. */
    static String summary(CommandSpec spec) {
        UsageMessageSpec u = spec.usageMessage();
        if (u.header().length > 0) {
            return format(u.header()[0]).strip();
        }
        StringBuilder first = new StringBuilder();
        for (String line : lines(u.description())) {
            if (line.isBlank()) {
                break;
            }
            first.append(first.length() == 0 ? "" : " ").append(line.strip());
        }
        String s = first.toString();
        int end = s.indexOf(". ");
        return end < 0 ? s : s.substring(0, end + 1);
    }

    String render() {
        out.setLength(0);
        line(".\\\" Generated from the sadump command model (picocli) at build time; do not edit.");
        line(".TH \"" + escape(pageName(spec).toUpperCase(Locale.ROOT)) + "\" \"" + SECTION + "\" \"\" \""
                + escape(version) + "\" \"sadump manual\"");
        // option names and paths read best unhyphenated and left-aligned
        line(".nh");
        line(".ad l");
        section("NAME");
        line(escape(pageName(spec)) + " \\- " + escape(summary(spec)));
        synopsis();
        description();
        arguments();
        options();
        commands();
        footer();
        exitStatus();
        environment();
        seeAlso();
        return out.toString();
    }

    private void synopsis() {
        section("SYNOPSIS");
        String text = spec.commandLine().getHelp().synopsis(0).replaceAll("\\s+", " ").strip();
        String name = spec.qualifiedName();
        String rest = text.startsWith(name) ? text.substring(name.length()) : " " + text;
        line("\\fB" + escape(name) + "\\fR" + escape(rest));
    }

    private void description() {
        List<String> lines = lines(spec.usageMessage().description());
        if (lines.isEmpty()) {
            return;
        }
        section("DESCRIPTION");
        text(lines);
    }

    private void arguments() {
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (params.isEmpty()) {
            return;
        }
        section("ARGUMENTS");
        for (PositionalParamSpec p : params) {
            line(".TP");
            line("\\fI" + escape(p.paramLabel()) + "\\fR" + (p.arity().max() > 1 ? "..." : ""));
            paragraph(p);
        }
    }

    private void options() {
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (options.isEmpty()) {
            return;
        }
        section("OPTIONS");
        for (OptionSpec o : options) {
            StringBuilder tag = new StringBuilder();
            for (String n : o.names()) {
                tag.append(tag.length() == 0 ? "" : ", ").append("\\fB").append(escape(n)).append("\\fR");
            }
            if (o.arity().max() > 0) {
                tag.append(o.longestName().startsWith("--") ? "=" : " ").append("\\fI").append(escape(o.paramLabel()))
                        .append("\\fR");
            }
            line(".TP");
            line(tag.toString());
            paragraph(o);
        }
    }

    private void commands() {
        List<CommandSpec> subs = subcommands(spec);
        if (subs.isEmpty()) {
            return;
        }
        section("COMMANDS");
        for (CommandSpec s : subs) {
            line(".TP");
            line("\\fB" + escape(s.name()) + "\\fR");
            line(escape(summary(s)) + " See");
            line(".BR " + escape(pageName(s)) + " (" + SECTION + ").");
        }
    }

    /** The footer's text; a line such as "Examples:" starts a section of that name. */
    private void footer() {
        List<String> lines = lines(spec.usageMessage().footer());
        List<String> body = new ArrayList<>();
        String heading = "NOTES";
        for (String l : lines) {
            if (FOOTER_HEADING.matcher(l).matches()) {
                footerSection(heading, body);
                heading = l.substring(0, l.length() - 1).toUpperCase(Locale.ROOT);
                body = new ArrayList<>();
            } else {
                body.add(l);
            }
        }
        footerSection(heading, body);
    }

    private void footerSection(String heading, List<String> body) {
        List<String> t = trimmed(body);
        // the root's "Run 'sadump help COMMAND'" note is for the terminal; the page lists the commands
        if (t.isEmpty() || (t.size() == 1 && t.get(0).startsWith("Run 'sadump help"))) {
            return;
        }
        section(heading);
        text(t);
    }

    private void exitStatus() {
        UsageMessageSpec u = spec.usageMessage().exitCodeList().isEmpty() ? root.usageMessage() : spec.usageMessage();
        if (u.exitCodeList().isEmpty()) {
            return;
        }
        section("EXIT STATUS");
        for (var e : u.exitCodeList().entrySet()) {
            line(".TP");
            line("\\fB" + escape(e.getKey().strip()) + "\\fR");
            line(escape(format(e.getValue()).strip()));
        }
    }

    private void environment() {
        section("ENVIRONMENT");
        line(".TP");
        line("\\fB" + UserErrorHandler.DEBUG_VARIABLE + "\\fR");
        line(escape("When set (not to 0), an error also prints its Java stack trace, as "
                + UserErrorHandler.DEBUG_OPTION + " does."));
    }

    private void seeAlso() {
        List<String> pages = new ArrayList<>();
        if (spec.parent() != null) {
            pages.add(pageName(spec.parent()));
        }
        for (CommandSpec s : subcommands(spec)) {
            pages.add(pageName(s));
        }
        if (pages.isEmpty()) {
            return;
        }
        section("SEE ALSO");
        for (int i = 0; i < pages.size(); i++) {
            line(".BR " + escape(pages.get(i)) + " (" + SECTION + ")" + (i < pages.size() - 1 ? "," : ""));
        }
    }

    /** The commands below {@code spec} that get pages: all but picocli's generic help command. */
    static List<CommandSpec> subcommands(CommandSpec spec) {
        List<CommandSpec> subs = new ArrayList<>();
        for (var e : spec.subcommands().entrySet()) {
            CommandSpec s = e.getValue().getCommandSpec();
            if (e.getKey().equals(s.name()) && !(s.userObject() instanceof CommandLine.HelpCommand)) {
                subs.add(s);
            }
        }
        return subs;
    }

    private void paragraph(ArgSpec arg) {
        // picocli has formatted these already (variables, %n)
        List<String> words = new ArrayList<>();
        for (String d : arg.description()) {
            for (String l : d.split("\\R")) {
                words.add(l.strip());
            }
        }
        line(escape(String.join(" ", words).strip()));
    }

    /**
     * Help text as troff: blank lines separate paragraphs, consecutive lines of a paragraph are filled,
     * and lines indented in the help (tables, example commands) keep their layout.
     */
    private void text(List<String> lines) {
        boolean verbatim = false;
        boolean started = false;
        for (String l : lines) {
            if (l.isBlank()) {
                if (verbatim) {
                    line(".fi");
                    verbatim = false;
                }
                if (started) {
                    line(".PP");
                }
                started = false;
                continue;
            }
            boolean indented = l.startsWith("  ");
            if (indented && !verbatim) {
                line(".nf");
                verbatim = true;
            } else if (!indented && verbatim) {
                line(".fi");
                verbatim = false;
            }
            line(verbatim ? "\\&" + escape(l) : escape(l.strip()));
            started = true;
        }
        if (verbatim) {
            line(".fi");
        }
    }

    private void section(String name) {
        line(".SH " + escape(name));
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    /** The annotation's lines as the help shows them: format specifiers applied, %n split. */
    static List<String> lines(String[] elements) {
        List<String> lines = new ArrayList<>();
        for (String e : elements) {
            lines.addAll(List.of(format(e).split("\\R", -1)));
        }
        return trimmed(lines);
    }

    private static List<String> trimmed(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return new ArrayList<>(lines.subList(from, to));
    }

    /** picocli runs every usage string through String.format ({@code %n}, {@code %%}). */
    private static String format(String s) {
        try {
            return String.format(Locale.ROOT, s);
        } catch (java.util.IllegalFormatException e) {
            return s; // as picocli shows such a string: unformatted
        }
    }

    /**
     * Text as troff reads it literally: backslashes escaped, hyphens as the minus of command lines,
     * quotes as ASCII apostrophes and grave accents, and a leading dot or quote defused.
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\e");
                case '-' -> b.append("\\-");
                case '\'' -> b.append("\\(aq");
                case '`' -> b.append("\\(ga");
                default -> b.append(c);
            }
        }
        if (b.length() > 0 && (b.charAt(0) == '.' || b.charAt(0) == '\'')) {
            b.insert(0, "\\&");
        }
        return b.toString();
    }
}
