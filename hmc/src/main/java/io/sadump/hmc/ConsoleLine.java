package io.sadump.hmc;

import java.time.Instant;

/**
 * One operating-system message of a machine.
 *
 * @param seq its line number in {@code DIR/console.log}, from 1: the same line has the same number in
 *     every console that shows it
 * @param time when it was written
 * @param text the message, without the log's time stamp
 */
public record ConsoleLine(long seq, Instant time, String text) {}
