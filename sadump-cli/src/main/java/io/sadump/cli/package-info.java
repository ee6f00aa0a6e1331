/**
 * The {@code sadump} command line (picocli): {@code machine}, {@code kexec}, {@code inject}, {@code dumpdev},
 * {@code hmc} (one-shot and the interactive console, JLine), {@code zgetdump}, {@code archive}, {@code
 * campaign}, {@code demo}, {@code meminfo}, {@code cksm}. It parses arguments, calls the libraries and
 * renders their results as text or JSON.
 *
 * <p>May use: every sadump package, picocli and JLine. It is the only place that prints to the terminal
 * and sets the exit code: bad input gives one clear line and a non-zero exit, never a stack trace.
 */
package io.sadump.cli;
