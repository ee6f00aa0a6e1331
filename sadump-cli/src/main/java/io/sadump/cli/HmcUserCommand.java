package io.sadump.cli;

import io.sadump.hmc.TaskContext;
import io.sadump.hmc.security.AuditLog;
import io.sadump.hmc.security.HmcState;
import io.sadump.hmc.security.HmcUser;
import io.sadump.hmc.security.PasswordRules;
import io.sadump.hmc.security.RoleCatalog;
import io.sadump.hmc.security.UserStore;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sadump hmc user ...}: the users of the HMC's web console and Web Services API. */
@Command(
        name = "user",
        mixinStandardHelpOptions = true,
        description = {
            "Manage the HMC's users: add, list, remove, passwd, role, disable.",
            "",
            "A user logs on to the web console and the Web Services API ('sadump hmc",
            "serve') with a password and may run the tasks of their role: viewer",
            "(Display, Operating System Messages, Dumps), operator (viewer + Load, PSW",
            "Restart, Stop All, Start All, Reset Normal, Mount, Download Dump, Archive",
            "Dump) or sysprog (operator + Reset Clear, Dump Devices, Kexec, Manage",
            "Users, Audit Log); STATE/roles.conf adds roles or replaces these.",
            "",
            "Passwords: 8 to 128 characters, all of them count; asked twice on the",
            "terminal, or read as one line from standard input with --password-stdin.",
            "A password is never an argument (it would show in ps and the shell",
            "history). They are kept as Argon2id hashes in STATE/users (mode 0600).",
            "Every change is recorded in the audit log as the login user from 'local'.",
        },
        subcommands = {
            HmcUserCommand.Add.class,
            HmcUserCommand.ListUsers.class,
            HmcUserCommand.Remove.class,
            HmcUserCommand.Passwd.class,
            HmcUserCommand.SetRole.class,
            HmcUserCommand.Disable.class,
            HmcUserCommand.Enable.class,
        },
        footer = {
            "",
            "Examples:",
            "  sadump hmc user add alice --role operator",
            "  printf '%%s\\n' \"$PW\" | sadump hmc user add ci --role viewer --password-stdin",
            "  sadump hmc user list --json",
            "  sadump hmc user role alice sysprog",
            "  sadump hmc user passwd alice",
            "  sadump hmc user disable alice",
            "  sadump hmc user remove alice",
        })
public final class HmcUserCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    HmcCommand hmc;

    @Override
    public Integer call() {
        throw new UsageException("name what to do: sadump hmc user add|list|remove|passwd|role|disable|enable "
                + "(see --help)");
    }

    /** The options every user command has. */
    static class StateOption {
        @Option(names = "--state", paramLabel = "DIR", description = "The HMC state directory (default: "
                + "$SADUMP_HMC_STATE, else $XDG_STATE_HOME/sadump/hmc, else ~/.local/state/sadump/hmc).")
        Path state;

        HmcState open() {
            return HmcState.open(Optional.ofNullable(state));
        }
    }

    static UserStore store(HmcState state) {
        return new UserStore(state, RoleCatalog.load(state.dir()));
    }

    static void noDir(HmcUserCommand user) {
        if (user.hmc.dir != null) {
            throw new UsageException("'user' manages the HMC's users, not a machine's: sadump hmc user ... (a machine "
                    + "directory named 'user' is written ./user)");
        }
    }

    /** Runs {@code change}, recording it (allowed or failed) in the audit log. */
    static <T> T audited(HmcState state, String action, java.util.function.Supplier<T> change,
            java.util.function.Function<T, String> outcome) {
        AuditLog audit = new AuditLog(state);
        T r;
        try {
            r = change.get();
        } catch (RuntimeException e) {
            audit.userChange(TaskContext.localUser(), TaskContext.LOCAL, action, false, "failed: " + e.getMessage());
            throw e;
        }
        audit.userChange(TaskContext.localUser(), TaskContext.LOCAL, action, true, outcome.apply(r));
        return r;
    }

    /** The new password: twice on the terminal, or one line of standard input. */
    static char[] newPassword(String user, boolean stdin, PrintWriter err) {
        if (stdin) {
            char[] p = readLine(System.in);
            PasswordRules.check(user, p);
            return p;
        }
        Console c = System.console();
        if (c == null) {
            throw new UsageException("no terminal to ask the password on: give it as one line on standard input with "
                    + "--password-stdin");
        }
        char[] a = c.readPassword("New password for %s: ", user);
        if (a == null) {
            throw new UsageException("no password given");
        }
        PasswordRules.check(user, a);
        char[] b = c.readPassword("Again: ");
        if (b == null || !Arrays.equals(a, b)) {
            Arrays.fill(a, ' ');
            throw new UsageException("the two passwords differ; nothing changed");
        }
        Arrays.fill(b, ' ');
        return a;
    }

    /** One line of {@code in}, without its line end, decoded as UTF-8 (never through a String pool). */
    static char[] readLine(InputStream in) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                buf.write(b);
                if (buf.size() > 4 * PasswordRules.MAX + 4) {
                    throw new UsageException("the password line on standard input is too long (at most "
                            + PasswordRules.MAX + " characters)");
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot read the password from standard input: " + e.getMessage());
        }
        byte[] bytes = buf.toByteArray();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, n));
            char[] out = new char[cb.remaining()];
            cb.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new UsageException("the password on standard input is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user with a role and a password.",
            footer = {"", "Examples:", "  sadump hmc user add alice --role operator",
                "  printf '%%s\\n' \"$PW\" | sadump hmc user add ci --role viewer --password-stdin"})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        HmcUserCommand user;

        @CommandLine.Mixin
        StateOption state;

        @Parameters(index = "0", paramLabel = "NAME", description = "The logon name: 1-32 of a-z 0-9 . _ -.")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator, sysprog, or "
                + "a role of STATE/roles.conf.")
        String role;

        @Option(names = "--password-stdin", description = "Read the password as one line from standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() {
            noDir(user);
            HmcState s = state.open();
            UserStore store = store(s);
            if (store.find(name).isPresent()) {
                throw new UsageException("user '" + name + "' exists already (sadump hmc user passwd|role " + name + ")");
            }
            char[] pw = newPassword(name, passwordStdin, spec.commandLine().getErr());
            try {
                HmcUser u = audited(s, "add user " + name + " role " + role, () -> store.add(name, role, pw),
                        x -> "added");
                spec.commandLine().getOut().println("added user " + u.name() + " with role " + u.role());
            } finally {
                Arrays.fill(pw, ' ');
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users and their roles.",
            footer = {"", "Examples:", "  sadump hmc user list", "  sadump hmc user list --json"})
    static final class ListUsers implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        HmcUserCommand user;

        @CommandLine.Mixin
        StateOption state;

        @Option(names = "--json", description = "Print [{name, role, disabled, created, password_changed}].")
        boolean json;

        @Override
        public Integer call() {
            noDir(user);
            PrintWriter out = spec.commandLine().getOut();
            java.util.List<HmcUser> users = store(state.open()).list();
            if (json) {
                JsonWriter j = new JsonWriter(out).beginArray();
                for (HmcUser u : users) {
                    j.beginObject().field("name", u.name()).field("role", u.role()).field("disabled", u.disabled())
                            .field("created", u.created().toString())
                            .field("password_changed", u.passwordChanged().toString()).endObject();
                }
                j.endArray().finish();
            } else {
                for (HmcUser u : users) {
                    out.printf("%-20s %-12s %s%n", u.name(), u.role(), u.disabled() ? "disabled" : "enabled");
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.",
            footer = {"", "Examples:", "  sadump hmc user remove alice"})
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        HmcUserCommand user;

        @CommandLine.Mixin
        StateOption state;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            noDir(user);
            HmcState s = state.open();
            UserStore store = store(s);
            audited(s, "remove user " + name, () -> {
                store.remove(name);
                return name;
            }, x -> "removed");
            spec.commandLine().getOut().println("removed user " + name);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a user's password.",
            footer = {"", "Examples:", "  sadump hmc user passwd alice",
                "  printf '%%s\\n' \"$PW\" | sadump hmc user passwd alice --password-stdin"})
    static final class Passwd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        HmcUserCommand user;

        @CommandLine.Mixin
        StateOption state;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--password-stdin", description = "Read the password as one line from standard input.")
        boolean passwordStdin;

        @Override
        public Integer call() {
            noDir(user);
            HmcState s = state.open();
            UserStore store = store(s);
            if (store.find(name).isEmpty()) {
                throw new UsageException("no user '" + name + "'");
            }
            char[] pw = newPassword(name, passwordStdin, spec.commandLine().getErr());
            try {
                audited(s, "set password of " + name, () -> store.setPassword(name, pw), x -> "password set");
            } finally {
                Arrays.fill(pw, ' ');
            }
            spec.commandLine().getOut().println("password of " + name + " set");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "role", mixinStandardHelpOptions = true, description = "Give a user another role.",
            footer = {"", "Examples:", "  sadump hmc user role alice sysprog"})
    static final class SetRole implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        HmcUserCommand user;

        @CommandLine.Mixin
        StateOption state;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ROLE")
        String role;

        @Override
        public Integer call() {
            noDir(user);
            HmcState s = state.open();
            UserStore store = store(s);
            HmcUser u = audited(s, "role of " + name + " to " + role, () -> store.setRole(name, role),
                    x -> "role set");
            spec.commandLine().getOut().println("user " + u.name() + " has role " + u.role());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** disable and enable: a disabled user's logons are refused (a running server ends their sessions). */
    abstract static class Switch implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        HmcUserCommand user;

        @CommandLine.Mixin
        StateOption state;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        abstract boolean disabled();

        @Override
        public Integer call() {
            noDir(user);
            HmcState s = state.open();
            UserStore store = store(s);
            String word = disabled() ? "disabled" : "enabled";
            audited(s, (disabled() ? "disable user " : "enable user ") + name, () -> store.setDisabled(name, disabled()),
                    x -> word);
            spec.commandLine().getOut().println("user " + name + " " + word);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = {
        "Refuse a user's logons; the user stays, with their role.",
        "",
        "A web console or API server that runs now ends the user's sessions at their",
        "next request, as it reads the users file for each one.",
    }, footer = {"", "Examples:", "  sadump hmc user disable alice"})
    static final class Disable extends Switch {
        @Override
        boolean disabled() {
            return true;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Let a disabled user log on again.",
            footer = {"", "Examples:", "  sadump hmc user enable alice"})
    static final class Enable extends Switch {
        @Override
        boolean disabled() {
            return false;
        }
    }
}
