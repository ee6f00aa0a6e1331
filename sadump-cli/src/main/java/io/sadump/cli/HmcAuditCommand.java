package io.sadump.cli;

import io.sadump.hmc.security.AuditEntry;
import io.sadump.hmc.security.AuditLog;
import io.sadump.hmc.security.HmcState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc [DIR] audit}: the HMC's audit log, of one machine or all. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "List the audit log: which user ran which task, and how it went.",
            "",
            "With DIR (sadump hmc DIR audit): the tasks on that machine. Without",
            "(sadump hmc audit): every entry, with the logons, logoffs and user changes",
            "of the web console and the API. Times are UTC. Tasks typed in a terminal",
            "are recorded as the login user ($USER) from 'local'.",
            "",
            "Each entry carries the SHA-256 of the one before it, so an entry changed,",
            "removed or inserted afterwards breaks the chain: the entries are still",
            "shown, then one line says where the chain breaks, and the exit status is 1.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc sys1 audit",
            "  sadump hmc audit --json | jq -r '.entries[] | select(.allowed | not) | .user'",
            "  sadump hmc audit --state /srv/hmc-state",
        })
public final class HmcAuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Option(names = "--json", description = "Print {entries: [...], intact, broken} as one JSON object.")
    boolean json;

    @Option(names = "--state", paramLabel = "DIR", description = "The HMC state directory (default: "
            + "$SADUMP_HMC_STATE, else $XDG_STATE_HOME/sadump/hmc, else ~/.local/state/sadump/hmc).")
    Path state;

    @Override
    public Integer call() {
        AuditLog log = new AuditLog(HmcState.open(Optional.ofNullable(state)));
        Predicate<AuditEntry> filter = e -> true;
        if (hmc.dir != null) {
            io.sadump.machine.MachineDirectory.open(hmc.dir); // one line if DIR is no machine
            String dir = hmc.dir.toAbsolutePath().normalize().toString();
            filter = e -> e.dir().map(dir::equals).orElse(false);
        }
        AuditLog.Report r = log.read(filter);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonWriter j = new JsonWriter(out).beginObject();
            j.name("entries").beginArray();
            for (AuditEntry e : r.entries()) {
                j.beginObject().field("time", e.time().toString()).field("event", e.event()).field("user", e.user())
                        .field("address", e.address());
                j.name("machine");
                if (e.machine().isPresent()) {
                    j.value(e.machine().get());
                } else {
                    j.nullValue();
                }
                j.field("task", e.task()).field("options", e.options()).field("allowed", e.allowed())
                        .field("outcome", e.outcome()).endObject();
            }
            j.endArray().field("intact", r.intact());
            j.name("broken");
            if (r.broken().isPresent()) {
                j.value(r.broken().get());
            } else {
                j.nullValue();
            }
            j.endObject().finish();
        } else {
            for (AuditEntry e : r.entries()) {
                out.println(line(e));
            }
            out.flush();
        }
        if (r.broken().isPresent()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(spec.qualifiedName() + ": the audit log " + log.file() + " was tampered with: "
                    + r.broken().get());
            err.flush();
            return UserErrorHandler.EXIT_FAILURE;
        }
        return 0;
    }

    /** {@code 2026-12-02T12:00:01Z  alice@local  sys1  Load devno=0.0.0190  ok: ...}, printable only. */
    static String line(AuditEntry e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.time()).append("  ").append(e.user()).append('@').append(e.address()).append("  ");
        e.machine().ifPresent(m -> sb.append(m).append("  "));
        sb.append(e.task());
        if (!e.options().isEmpty()) {
            sb.append(' ').append(e.options());
        }
        sb.append("  ").append(e.allowed() ? "" : "REFUSED ").append(e.outcome());
        return printable(sb.toString());
    }

    /** What a terminal shows as text: control characters as \\xNN (a name cannot move the cursor). */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\x%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
