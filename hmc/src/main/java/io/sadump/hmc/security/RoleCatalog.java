package io.sadump.hmc.security;

import io.sadump.machine.InvalidValueException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The roles, as data: the built-in viewer, operator and sysprog, and what a site's {@value #FILE} in the
 * state directory adds or replaces.
 *
 * <p>{@value #FILE} is sections of {@code key = value} lines; {@code #} starts a comment:
 *
 * <pre>
 * [auditor]
 * tasks = Display, Dumps, Audit Log
 * machines = *
 *
 * [lab-operator]
 * extends = operator
 * tasks = Reset Clear
 * machines = lab1, lab2
 * </pre>
 *
 * A section names a role; {@code tasks} lists HMC task names ({@link HmcTask#title()}, or the enum name);
 * {@code extends} starts from another role's tasks (and, without a {@code machines} line, its machines);
 * {@code machines} lists machine names, {@code *} for all (the default). A section named like a built-in
 * role replaces it.
 */
public final class RoleCatalog {
    public static final String FILE = "roles.conf";
    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String SYSPROG = "sysprog";

    private final Map<String, Role> roles;

    private RoleCatalog(Map<String, Role> roles) {
        this.roles = Map.copyOf(roles);
    }

    /** The built-in roles only. */
    public static RoleCatalog builtIn() {
        return new RoleCatalog(builtInRoles());
    }

    private static Map<String, Role> builtInRoles() {
        Set<HmcTask> viewer = EnumSet.of(HmcTask.DISPLAY, HmcTask.OS_MESSAGES, HmcTask.DUMPS);
        Set<HmcTask> operator = EnumSet.copyOf(viewer);
        operator.addAll(List.of(HmcTask.LOAD, HmcTask.PSW_RESTART, HmcTask.STOP, HmcTask.START, HmcTask.RESET_NORMAL,
                HmcTask.MOUNT, HmcTask.DOWNLOAD_DUMP, HmcTask.ARCHIVE));
        Set<HmcTask> sysprog = EnumSet.copyOf(operator);
        sysprog.addAll(List.of(HmcTask.RESET_CLEAR, HmcTask.DUMP_DEVICES, HmcTask.KEXEC, HmcTask.MANAGE_USERS,
                HmcTask.AUDIT_LOG));
        Map<String, Role> m = new LinkedHashMap<>();
        m.put(VIEWER, new Role(VIEWER, viewer, Set.of(Role.ALL_MACHINES)));
        m.put(OPERATOR, new Role(OPERATOR, operator, Set.of(Role.ALL_MACHINES)));
        m.put(SYSPROG, new Role(SYSPROG, sysprog, Set.of(Role.ALL_MACHINES)));
        return m;
    }

    /** The built-in roles with the state directory's {@value #FILE}, if it has one. */
    public static RoleCatalog load(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            return builtIn();
        } catch (IOException e) {
            throw new InvalidValueException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The built-in roles with those of {@code text} ({@value #FILE}'s format; {@code where} names it in errors). */
    public static RoleCatalog parse(String text, String where) {
        Map<String, Role> m = new LinkedHashMap<>(builtInRoles());
        String name = null;
        Map<String, String> fields = new LinkedHashMap<>();
        int sectionLine = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? strip(lines[i]) : null;
            if (line == null || line.startsWith("[")) {
                if (name != null) {
                    m.put(name, role(name, fields, m, where, sectionLine));
                }
                if (line == null) {
                    break;
                }
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new InvalidValueException(where + " line " + (i + 1) + ": a section is [role-name], not '"
                            + line + "'");
                }
                name = line.substring(1, line.length() - 1).strip();
                if (!name.matches("[A-Za-z0-9._-]{1,32}")) {
                    throw new InvalidValueException(where + " line " + (i + 1) + ": a role name has 1-32 of A-Z a-z "
                            + "0-9 . _ -, not '" + name + "'");
                }
                fields = new LinkedHashMap<>();
                sectionLine = i + 1;
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (name == null || eq <= 0) {
                throw new InvalidValueException(where + " line " + (i + 1) + ": expected [role] then key = value "
                        + "lines, not '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (!List.of("tasks", "machines", "extends").contains(key)) {
                throw new InvalidValueException(where + " line " + (i + 1) + ": unknown key '" + key
                        + "' (tasks, machines, extends)");
            }
            fields.put(key, line.substring(eq + 1).strip());
        }
        return new RoleCatalog(m);
    }

    private static String strip(String line) {
        int hash = line.indexOf('#');
        return (hash >= 0 ? line.substring(0, hash) : line).strip();
    }

    private static Role role(String name, Map<String, String> fields, Map<String, Role> known, String where, int line) {
        Set<HmcTask> tasks = EnumSet.noneOf(HmcTask.class);
        Set<String> machines = new LinkedHashSet<>();
        String parent = fields.get("extends");
        if (parent != null) {
            Role p = known.get(parent);
            if (p == null) {
                throw new InvalidValueException(where + " [" + name + "] (line " + line + "): extends an unknown role '"
                        + parent + "' (define it above)");
            }
            tasks.addAll(p.tasks());
            if (!fields.containsKey("machines")) {
                machines.addAll(p.machines());
            }
        }
        for (String t : list(fields.get("tasks"))) {
            tasks.add(HmcTask.named(t).orElseThrow(() -> new InvalidValueException(where + " [" + name + "] (line "
                    + line + "): unknown task '" + t + "'; tasks: " + String.join(", ",
                            Arrays.stream(HmcTask.values()).map(HmcTask::title).toList()))));
        }
        if (fields.containsKey("machines")) {
            machines.addAll(list(fields.get("machines")));
        }
        if (machines.isEmpty()) {
            machines.add(Role.ALL_MACHINES);
        }
        return new Role(name, tasks, machines);
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public Optional<Role> role(String name) {
        return Optional.ofNullable(roles.get(name));
    }

    public Collection<Role> roles() {
        return roles.values();
    }

    public Set<String> names() {
        return roles.keySet();
    }
}
