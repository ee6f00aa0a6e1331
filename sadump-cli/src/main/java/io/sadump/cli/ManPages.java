package io.sadump.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes the man pages of every sadump command into a directory, from the whole command model. The
 * build runs it ({@code sadump-cli/target/man/}); {@code man -l target/man/sadump.1} reads one.
 */
public final class ManPages {
    private ManPages() {}

    /** {@code ManPages DIR}: one page per command in DIR, created if missing. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ManPages DIR");
        }
        write(Path.of(args[0]));
    }

    /** Writes every page into {@code dir}; returns the files, the root's first. */
    static List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String version = new VersionProvider().getVersion()[0];
        List<Path> files = new ArrayList<>();
        for (CommandSpec spec : commands(SadumpCommand.commandLine(Map.of()).getCommandSpec())) {
            Path file = dir.resolve(ManPage.fileName(spec));
            Files.writeString(file, new ManPage(spec, version).render(), StandardCharsets.UTF_8);
            files.add(file);
        }
        return files;
    }

    /** {@code root} and every command below it that gets a page, depth first. */
    static List<CommandSpec> commands(CommandSpec root) {
        List<CommandSpec> all = new ArrayList<>(List.of(root));
        for (CommandSpec s : ManPage.subcommands(root)) {
            all.addAll(commands(s));
        }
        return all;
    }
}
