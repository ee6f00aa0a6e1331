package io.sadump.cli;

import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcState;
import io.sadump.hmc.web.HmcWebConfig;
import io.sadump.hmc.web.HmcWebServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump hmc serve DIR...}: the HMC in a browser, and the Web Services API on the same server. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the machines to a browser: the HMC's web console.",
            "",
            "Each DIR is a machine directory, or a directory whose machine directories",
            "are all served. The console lists the systems (storage, CPUs, run state",
            "and PSW, kdump, the verdict now, devices, last dump, a storage map) and",
            "runs the HMC tasks on them: Load, PSW Restart, Stop All, Start All, Reset",
            "Normal, Reset Clear, Mount and the displays, with the same rules and locks",
            "as 'sadump hmc DIR TASK'. The Operating System Messages window shows the",
            "dumper's lines as they come (also those a command in a terminal adds),",
            "with a progress bar; the Dumps list has the zgetdump -i facts, download",
            "and archive. The Web Services API answers under /api on the same port.",
            "",
            "Users log on with a password; add the first one before you start:",
            "  sadump hmc user add NAME --role operator     (or viewer, sysprog)",
            "Disruptive tasks ask for the password again; Reset Clear asks twice.",
            "Every logon and task, allowed or refused, goes to the audit log in the",
            "state directory ('sadump hmc audit').",
            "",
            "The server listens on 127.0.0.1 only, unless --bind names another",
            "address; that needs TLS (--tls-cert and --tls-key, PEM files), since",
            "passwords and session cookies would cross the network. It runs until",
            "Ctrl-C or SIGTERM; a task still running ends first.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc user add alice --role operator",
            "  sadump hmc serve sys1 sys2",
            "  sadump hmc serve machines/ --port 9443 --bind 0.0.0.0 \\",
            "      --tls-cert hmc-cert.pem --tls-key hmc-key.pem",
            "  sadump hmc serve sys1 --library dumps/volumes --reports campaign-out/",
            "  openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem \\",
            "      -days 365 -subj /CN=hmc.example     (a self-signed certificate)",
        })
public final class HmcServeCommand implements Callable<Integer> {
    /** Held here: java.util.logging keeps loggers only weakly, and would forget their level. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.eclipse.jetty"),
            Logger.getLogger("io.javalin"));

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Machine directories, or directories of them.")
    List<Path> dirs;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "The TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = HmcWebConfig.DEFAULT_BIND,
            description = "The address to listen on (default: ${DEFAULT-VALUE}); another needs TLS.")
    String bind;

    @Option(names = "--tls-cert", paramLabel = "C.pem", description = "The server's certificate chain (PEM), leaf first.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "K.pem",
            description = "Its private key (PEM: PKCS#8, RSA or EC, not encrypted).")
    Path tlsKey;

    @Option(names = "--state", paramLabel = "DIR", description = "The HMC's state directory (users, roles.conf, "
            + "audit.log); default $SADUMP_HMC_STATE, else $XDG_STATE_HOME/sadump/hmc, else ~/.local/state/sadump/hmc.")
    Path state;

    @Option(names = "--library", paramLabel = "DIR",
            description = "A directory of volumes (.3390, .aws) that Mount offers besides the machine's own.")
    Path library;

    @Option(names = "--reports", paramLabel = "DIR",
            description = "A campaign report directory whose pages are served read-only under /reports/.")
    Path reports;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // the server's own notices (started, stopped) are not the operator's business; its warnings are
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        HmcWebConfig config = new HmcWebConfig(bind, port, Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey),
                Optional.ofNullable(reports));
        HmcState s = HmcState.open(Optional.ofNullable(state));
        HmcSite site = HmcSite.of(dirs, s, Optional.ofNullable(library));
        HmcWebServer server = new HmcWebServer(site, config).start();
        if (site.users().list().isEmpty()) {
            err.println("sadump hmc serve: no users in " + s.dir() + " yet: add one with 'sadump hmc user add NAME "
                    + "--role operator" + (state == null ? "" : " --state " + state) + "'");
            err.flush();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            err.println("sadump hmc serve: stopping" + (server.runningTasks() > 0
                    ? " after the running task" + (server.runningTasks() == 1 ? "" : "s") : ""));
            err.flush();
            server.close();
            stopped.countDown();
        }, "sadump hmc serve: stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("sadump hmc serve: " + String.join(", ", site.machineNames()) + " at " + server.url()
                + " (state " + s.dir() + "; Ctrl-C stops)");
        out.flush();
        stopped.await();
        return 0;
    }
}
