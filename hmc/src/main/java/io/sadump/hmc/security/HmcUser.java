package io.sadump.hmc.security;

import java.time.Instant;

/**
 * A user of the HMC (never with the password or its hash).
 *
 * @param name the logon name
 * @param role the role's name (see {@link RoleCatalog})
 * @param disabled whether logons are refused
 * @param created when the user was added
 * @param passwordChanged when the password was last set
 */
public record HmcUser(String name, String role, boolean disabled, Instant created, Instant passwordChanged) {}
