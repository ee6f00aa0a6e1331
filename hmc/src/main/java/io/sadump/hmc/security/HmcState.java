package io.sadump.hmc.security;

import io.sadump.machine.MachineException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The HMC's state directory: users, roles.conf, the audit log. Chosen by {@code --state DIR}, else
 * {@code $SADUMP_HMC_STATE}, else {@code $XDG_STATE_HOME/sadump/hmc}, else
 * {@code ~/.local/state/sadump/hmc}. Created 0700; its files are written 0600, since the users file
 * holds password hashes and the audit log who did what.
 */
public final class HmcState {
    public static final String VARIABLE = "SADUMP_HMC_STATE";
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    private HmcState(Path dir) {
        this.dir = dir;
    }

    /** The state directory {@code explicit} names, or the default for {@code environment}; created if missing. */
    public static HmcState open(Optional<Path> explicit, Map<String, String> environment) {
        return at(explicit.orElseGet(() -> defaultDir(environment)));
    }

    /** The state directory of this process's environment (or {@code explicit}). */
    public static HmcState open(Optional<Path> explicit) {
        return open(explicit, System.getenv());
    }

    /** {@code dir} as the state directory; created 0700 if missing. */
    public static HmcState at(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                restrict(dir, DIR_MODE);
            }
        } catch (IOException e) {
            throw new MachineException("cannot create the HMC state directory " + dir + ": " + e.getMessage()
                    + " (choose one with --state or " + VARIABLE + ")", e);
        }
        return new HmcState(dir);
    }

    static Path defaultDir(Map<String, String> env) {
        String s = env.get(VARIABLE);
        if (s != null && !s.isBlank()) {
            return Path.of(s);
        }
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "sadump", "hmc");
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "state", "sadump", "hmc");
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** Makes {@code p} readable by its owner only, where the file system has POSIX modes. */
    static void restrict(Path p, Set<PosixFilePermission> mode) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, mode);
        }
    }
}
