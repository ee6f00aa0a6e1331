package io.sadump.hmc.security;

import java.util.Set;

/**
 * The one permission check of the web console and the API: may this user run this task on this
 * machine? A machine that does not exist and one outside the role's scope answer alike
 * ({@link ObjectNotFoundException}, 404), so the check does not tell which machines exist; a task the
 * role does not permit is {@link NotPermittedException} (403). A disabled user, or one whose role is
 * gone, may do nothing.
 */
public final class Authorizer {
    private final RoleCatalog roles;
    private final Set<String> machines;

    /** @param machines the names of the machines served */
    public Authorizer(RoleCatalog roles, Set<String> machines) {
        this.roles = roles;
        this.machines = Set.copyOf(machines);
    }

    /**
     * Passes if {@code user} may run {@code task} on {@code machine} ({@code null} for tasks on no
     * machine: Manage Users, Audit Log of all machines).
     */
    public void check(HmcUser user, HmcTask task, String machine) {
        Role role = user.disabled() ? null : roles.role(user.role()).orElse(null);
        if (machine != null && (!machines.contains(machine) || role == null || !role.reaches(machine))) {
            throw new ObjectNotFoundException(machine);
        }
        if (role == null || !role.permits(task)) {
            throw new NotPermittedException(user.name(), task);
        }
    }

    /** Whether {@code user} may run {@code task} on {@code machine}: for showing only the buttons that work. */
    public boolean permits(HmcUser user, HmcTask task, String machine) {
        try {
            check(user, task, machine);
            return true;
        } catch (NotPermittedException | ObjectNotFoundException e) {
            return false;
        }
    }

    /** The machines {@code user} sees (any task), in name order. */
    public java.util.List<String> visibleMachines(HmcUser user) {
        Role role = user.disabled() ? null : roles.role(user.role()).orElse(null);
        if (role == null) {
            return java.util.List.of();
        }
        return machines.stream().filter(role::reaches).sorted().toList();
    }
}
