package io.sadump.hmc.security;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A role: the tasks it may run and the machines it may run them on.
 *
 * @param name the role's name
 * @param tasks the tasks it permits
 * @param machines the machine names it reaches; {@value #ALL_MACHINES} reaches every machine
 */
public record Role(String name, Set<HmcTask> tasks, Set<String> machines) {
    public static final String ALL_MACHINES = "*";

    public Role {
        Objects.requireNonNull(name, "name");
        tasks = tasks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(tasks));
        machines = Set.copyOf(machines);
    }

    public boolean permits(HmcTask task) {
        return tasks.contains(task);
    }

    /** Whether the machine named {@code machine} is in this role's scope. */
    public boolean reaches(String machine) {
        return machines.contains(ALL_MACHINES) || machines.contains(machine);
    }
}
