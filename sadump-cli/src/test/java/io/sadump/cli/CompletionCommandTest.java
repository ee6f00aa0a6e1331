package io.sadump.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.interop.InteropTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sadump completion bash|zsh}: scripts the shells accept, completing from the command model. */
class CompletionCommandTest {
    @TempDir
    Path tmp;

    Path script(String shell) throws IOException {
        CliRun r = CliRun.of("completion", shell);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return Files.writeString(tmp.resolve("sadump." + shell), r.out());
    }

    /** The words bash completes for the command line {@code words} (the last word is the one completed). */
    List<String> complete(Path script, String... words) throws Exception {
        StringBuilder sh = new StringBuilder("source '" + script + "'\n");
        sh.append("COMP_WORDS=(");
        for (String w : words) {
            sh.append('\'').append(w).append("' ");
        }
        sh.append(")\n");
        sh.append("COMP_CWORD=").append(words.length - 1).append('\n');
        sh.append("COMP_LINE='").append(String.join(" ", words)).append("'\n");
        sh.append("COMP_POINT=${#COMP_LINE}\n");
        sh.append("_complete_sadump 2>/dev/null\n");
        sh.append("printf '%s\\n' \"${COMPREPLY[@]}\"\n");
        Path test = Files.writeString(tmp.resolve("complete.sh"), sh);
        InteropTools.Result r = InteropTools.run(tmp, InteropTools.requireTool("bash"), test.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output().lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void bashAcceptsTheScriptAndCompletesCommandsOptionsAndValues() throws Exception {
        Path bash = script("bash");
        InteropTools.Result syntax = InteropTools.run(tmp, InteropTools.requireTool("bash"), "-n", bash.toString());
        assertThat(syntax.exitCode()).as(syntax.output()).isZero();
        assertThat(complete(bash, "sadump", "hm")).containsExactly("hmc");
        assertThat(complete(bash, "sadump", "hmc", "dir", "res")).containsExactlyInAnyOrder("reset", "restart");
        assertThat(complete(bash, "sadump", "zgetdump", "--sel")).containsExactly("--select");
        assertThat(complete(bash, "sadump", "completion", "")).containsExactly("bash", "zsh");
    }

    @Test
    void zshLoadsItsScriptThroughBashcompinitAndRegistersSadump() throws Exception {
        Path zsh = script("zsh");
        assertThat(Files.readString(zsh)).startsWith(CompletionCommand.ZSH_PREAMBLE)
                .contains("autoload -U +X bashcompinit && bashcompinit");
        String zshPath = InteropTools.requireTool("zsh");
        InteropTools.Result syntax = InteropTools.run(tmp, zshPath, "-n", zsh.toString());
        assertThat(syntax.exitCode()).as(syntax.output()).isZero();
        // -f: no start-up files; compinit keeps its dump in ZDOTDIR, so it stays in the temp directory
        ProcessBuilder pb = new ProcessBuilder(zshPath, "-f", "-c", "source '" + zsh + "' && complete -p sadump")
                .redirectErrorStream(true);
        pb.environment().put("ZDOTDIR", tmp.toString());
        pb.environment().put("HOME", tmp.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("complete -F _complete_sadump -o default sadump\n");
    }

    @Test
    void anotherShellIsAUsageError() {
        CliRun r = CliRun.of("completion", "fish");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("sadump completion: SHELL is bash or zsh, not 'fish' "
                + "(see 'sadump completion --help')\n");
    }

    @Test
    void theScriptComesFromTheWholeModelEvenWhenOnlyCompletionWasBuilt() {
        // the process builds only the command it runs; the script must still know every command
        assertThat(SadumpCommand.commandLineFor(new String[] {"completion", "bash"}).getSubcommands())
                .containsOnlyKeys("completion");
        assertThat(CompletionCommand.script("bash")).contains("zgetdump").contains("campaign").contains("--select");
    }
}
