/**
 * The HMC in a browser: a Javalin (Jetty 12) server that serves the console pages, the JSON endpoints under
 * {@code /ui/} they call (session cookie + CSRF header), the operating-system messages as server-sent events,
 * the dumps (facts, download, archive) and the campaign report pages. Every task goes through
 * {@link io.sadump.hmc.HmcMachine}, the {@link io.sadump.hmc.security.Authorizer} and the
 * {@link io.sadump.hmc.security.AuditLog}; nothing here decides a task's rules a second time.
 */
package io.sadump.hmc.web;
