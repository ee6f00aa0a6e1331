package io.sadump.hmc.security;

import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The HMC's users: {@value #FILE} in the state directory, one user a line
 * ({@code name role enabled|disabled created password-changed argon2id-hash}), mode 0600.
 *
 * <p>Every change rereads the file under a lock ({@value #LOCK}, so two {@code sadump hmc user}
 * commands do not lose each other's change), writes the whole new file beside it, forces it to disk
 * and renames it into place: a kill leaves the old file or the new one, never half of one.
 *
 * <p>{@link #verify} does the same work whether the user exists or not (an unknown user's password is
 * checked against a hash made for the purpose), so its time does not tell which users exist.
 */
public final class UserStore {
    public static final String FILE = "users";
    static final String LOCK = "users.lock";
    private static final String NAME = "[a-z0-9][a-z0-9._-]{0,31}";

    private final Path file;
    private final Path lockFile;
    private final RoleCatalog roles;
    private final PasswordHash hashing;
    private final Clock clock;
    /** A hash no password of a real user has: what an unknown user's password is checked against. */
    private final String decoy;
    /** How a password is checked against a hash (tests count the checks). */
    java.util.function.BiPredicate<String, char[]> matcher = PasswordHash::matches;
    /** Called between writing the new file and renaming it (tests throw there, as a kill would stop). */
    Runnable beforeRename = () -> {};

    private record Entry(HmcUser user, String hash) {}

    public UserStore(HmcState state, RoleCatalog roles) {
        this(state, roles, PasswordHash.DEFAULT, Clock.systemUTC());
    }

    /** With other Argon2id parameters (tests use small ones) and a clock. */
    public UserStore(HmcState state, RoleCatalog roles, PasswordHash hashing, Clock clock) {
        this.file = state.file(FILE);
        this.lockFile = state.file(LOCK);
        this.roles = roles;
        this.hashing = hashing;
        this.clock = clock;
        this.decoy = hashing.hash("decoy password for unknown users".toCharArray());
    }

    /** The users, by name. */
    public List<HmcUser> list() {
        return read().values().stream().map(Entry::user).toList();
    }

    public Optional<HmcUser> find(String name) {
        return Optional.ofNullable(read().get(name)).map(Entry::user);
    }

    /** Adds a user; the name must be new, the role known, the password by {@link PasswordRules}. */
    public HmcUser add(String name, String role, char[] password) {
        checkName(name);
        checkRole(role);
        PasswordRules.check(name, password);
        String hash = hashing.hash(password);
        return change(users -> {
            if (users.containsKey(name)) {
                throw new InvalidValueException("user '" + name + "' exists already");
            }
            Instant now = clock.instant();
            HmcUser u = new HmcUser(name, role, false, now, now);
            users.put(name, new Entry(u, hash));
            return u;
        });
    }

    public void remove(String name) {
        change(users -> {
            if (users.remove(name) == null) {
                throw new InvalidValueException("no user '" + name + "'");
            }
            return null;
        });
    }

    public HmcUser setPassword(String name, char[] password) {
        PasswordRules.check(name, password);
        String hash = hashing.hash(password);
        return change(users -> {
            Entry e = existing(users, name);
            HmcUser u = new HmcUser(name, e.user().role(), e.user().disabled(), e.user().created(), clock.instant());
            users.put(name, new Entry(u, hash));
            return u;
        });
    }

    public HmcUser setRole(String name, String role) {
        checkRole(role);
        return change(users -> {
            Entry e = existing(users, name);
            HmcUser u = new HmcUser(name, role, e.user().disabled(), e.user().created(), e.user().passwordChanged());
            users.put(name, new Entry(u, e.hash()));
            return u;
        });
    }

    /** Disables (refuses logons) or enables a user. The caller ends a disabled user's sessions. */
    public HmcUser setDisabled(String name, boolean disabled) {
        return change(users -> {
            Entry e = existing(users, name);
            HmcUser u = new HmcUser(name, e.user().role(), disabled, e.user().created(), e.user().passwordChanged());
            users.put(name, new Entry(u, e.hash()));
            return u;
        });
    }

    /**
     * The user, if {@code name} exists, is enabled and {@code password} is theirs. The same work is done
     * for an unknown user, so the time taken tells nothing.
     */
    public Optional<HmcUser> verify(String name, char[] password) {
        Entry e = name == null ? null : read().get(name);
        boolean ok = matcher.test(e == null ? decoy : e.hash(), password);
        if (e == null || !ok || e.user().disabled()) {
            return Optional.empty();
        }
        return Optional.of(e.user());
    }

    private static Entry existing(Map<String, Entry> users, String name) {
        Entry e = users.get(name);
        if (e == null) {
            throw new InvalidValueException("no user '" + name + "'");
        }
        return e;
    }

    private static void checkName(String name) {
        if (name == null || !name.matches(NAME)) {
            throw new InvalidValueException("a user name has 1-32 of a-z 0-9 . _ - and starts with a letter or digit, "
                    + "not '" + (name == null ? "" : name.replaceAll("\\p{Cntrl}", "?")) + "'");
        }
    }

    private void checkRole(String role) {
        if (roles.role(role).isEmpty()) {
            throw new InvalidValueException("no role '" + role + "'; roles: " + String.join(", ", roles.names()));
        }
    }

    private interface Change<T> {
        T apply(Map<String, Entry> users);
    }

    private <T> T change(Change<T> c) {
        synchronized (FileLocks.monitor(lockFile)) {
            return changeLocked(c);
        }
    }

    private <T> T changeLocked(Change<T> c) {
        try (FileChannel lc = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lc.lock(); // held until lc closes
            HmcState.restrict(lockFile, HmcState.FILE_MODE);
            Map<String, Entry> users = read();
            T result = c.apply(users);
            write(users);
            return result;
        } catch (IOException e) {
            throw new MachineException("cannot change " + file + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Entry> read() {
        Map<String, Entry> users = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return users;
        } catch (IOException e) {
            throw new MachineException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ", 6);
            try {
                if (f.length != 6 || !(f[2].equals("enabled") || f[2].equals("disabled"))) {
                    throw new IllegalArgumentException("fields");
                }
                HmcUser u = new HmcUser(f[0], f[1], f[2].equals("disabled"), Instant.parse(f[3]), Instant.parse(f[4]));
                users.put(u.name(), new Entry(u, f[5]));
            } catch (RuntimeException e) {
                throw new MachineException(file + " line " + n + " is damaged (name role enabled created changed hash)");
            }
        }
        return users;
    }

    private void write(Map<String, Entry> users) throws IOException {
        StringBuilder sb = new StringBuilder("# sadump HMC users: name role enabled|disabled created password-changed hash\n");
        for (Entry e : users.values()) {
            HmcUser u = e.user();
            sb.append(u.name()).append(' ').append(u.role()).append(' ').append(u.disabled() ? "disabled" : "enabled")
                    .append(' ').append(u.created()).append(' ').append(u.passwordChanged()).append(' ').append(e.hash())
                    .append('\n');
        }
        Path tmp = file.resolveSibling(FILE + ".new");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            HmcState.restrict(tmp, HmcState.FILE_MODE);
            ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        beforeRename.run();
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(file.getParent());
    }

    /** Forces the rename itself to disk (the directory entry); where a directory cannot be opened, the rename stands. */
    static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be opened; the rename is still atomic
        }
    }

    /** Lists the users as one might show them: for tests and the CLI. */
    List<String> names() {
        return new ArrayList<>(read().keySet());
    }
}
