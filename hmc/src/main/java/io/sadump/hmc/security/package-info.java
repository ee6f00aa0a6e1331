/**
 * Who may do what on the HMC: users (Argon2id hashes in the state directory), roles as data (sets of HMC
 * task names and machines), the logon guard, browser and API sessions, the one permission check every
 * console calls, and the hash-chained audit log.
 */
package io.sadump.hmc.security;
