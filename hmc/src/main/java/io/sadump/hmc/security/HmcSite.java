package io.sadump.hmc.security;

import io.sadump.hmc.HmcMachine;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What an HMC server serves: the machines (each by its directory's name), and the state directory's
 * users, roles, sessions, logon guard and audit log, and an optional dump library for Mount. The web
 * console and the API get machines only through {@link #machine(HmcUser, HmcTask, String, String)},
 * which checks the permission and audits a refusal.
 */
public final class HmcSite {
    private final Map<String, Path> machines;
    private final HmcState state;
    private final RoleCatalog roles;
    private final UserStore users;
    private final SessionRegistry sessions;
    private final LoginGuard guard;
    private final AuditLog audit;
    private final Authorizer authorizer;
    private final Optional<Path> library;

    private HmcSite(Map<String, Path> machines, HmcState state, RoleCatalog roles, UserStore users, Clock clock,
            Optional<Path> library) {
        this.machines = java.util.Collections.unmodifiableMap(new TreeMap<>(machines));
        this.state = state;
        this.roles = roles;
        this.users = users;
        this.sessions = new SessionRegistry(clock);
        this.guard = new LoginGuard(clock);
        this.audit = new AuditLog(state, clock);
        this.authorizer = new Authorizer(roles, machines.keySet());
        this.library = library;
    }

    /**
     * The site of {@code dirs}: each is a machine directory, or a directory whose machine
     * subdirectories are all served. Two machines of one name are refused.
     */
    public static HmcSite of(List<Path> dirs, HmcState state) {
        return of(dirs, state, Optional.empty());
    }

    public static HmcSite of(List<Path> dirs, HmcState state, Optional<Path> library) {
        RoleCatalog roles = RoleCatalog.load(state.dir());
        return new HmcSite(machines(dirs), state, roles, new UserStore(state, roles), Clock.systemUTC(), library);
    }

    /** As {@link #of(List, HmcState, Optional)} with a users store and clock of the caller's (tests). */
    public static HmcSite of(List<Path> dirs, HmcState state, Optional<Path> library, UserStore users, Clock clock) {
        return new HmcSite(machines(dirs), state, RoleCatalog.load(state.dir()), users, clock, library);
    }

    static Map<String, Path> machines(List<Path> dirs) {
        Map<String, Path> m = new TreeMap<>();
        for (Path d : dirs) {
            List<Path> found = new ArrayList<>();
            if (Files.isRegularFile(d.resolve(MachineDirectory.CONFIG))) {
                found.add(d);
            } else if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> Files.isRegularFile(p.resolve(MachineDirectory.CONFIG))).sorted().forEach(found::add);
                } catch (IOException e) {
                    throw new InvalidValueException("cannot list " + d + ": " + e.getMessage());
                }
                if (found.isEmpty()) {
                    throw new InvalidValueException(d + " is neither a machine directory nor holds any");
                }
            } else {
                throw new InvalidValueException("no machine directory " + d);
            }
            for (Path f : found) {
                String name = f.toAbsolutePath().normalize().getFileName().toString();
                Path before = m.put(name, f);
                if (before != null && !before.toAbsolutePath().normalize().equals(f.toAbsolutePath().normalize())) {
                    throw new InvalidValueException("two machines are named '" + name + "': " + before + " and " + f
                            + " (a machine is known by its directory's name)");
                }
            }
        }
        return m;
    }

    /** The machine names served, sorted. */
    public List<String> machineNames() {
        return List.copyOf(machines.keySet());
    }

    /**
     * The machine {@code name} for {@code user}'s {@code task}, its tasks audited; a refusal
     * ({@link ObjectNotFoundException}, {@link NotPermittedException}) is audited, then thrown.
     *
     * @param origin where the request came from ({@code web 127.0.0.1}, {@code api 127.0.0.1})
     */
    public HmcMachine machine(HmcUser user, HmcTask task, String name, String origin) {
        try {
            authorizer.check(user, task, name);
        } catch (ObjectNotFoundException | NotPermittedException e) {
            audit.refused(user.name(), origin, name, task.title(), "", e.getMessage());
            throw e;
        }
        return open(name);
    }

    /** Checks a task on no machine (Manage Users, Audit Log); a refusal is audited, then thrown. */
    public void check(HmcUser user, HmcTask task, String origin) {
        try {
            authorizer.check(user, task, null);
        } catch (NotPermittedException e) {
            audit.refused(user.name(), origin, null, task.title(), "", e.getMessage());
            throw e;
        }
    }

    /** The machine {@code name} without a permission check (the server's own status pages use the check above). */
    HmcMachine open(String name) {
        Path dir = machines.get(name);
        if (dir == null) {
            throw new ObjectNotFoundException(name);
        }
        return HmcMachine.open(dir).recordedBy(audit).withLibrary(library);
    }

    public HmcState state() {
        return state;
    }

    public RoleCatalog roles() {
        return roles;
    }

    public UserStore users() {
        return users;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public LoginGuard guard() {
        return guard;
    }

    public AuditLog audit() {
        return audit;
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public Optional<Path> library() {
        return library;
    }
}
