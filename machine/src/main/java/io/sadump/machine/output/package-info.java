/**
 * Named outputs written so that nothing older is lost: a file replaced by a rename only once the new
 * one is complete and on disk ({@link io.sadump.machine.output.ReplacementFile}), a directory built
 * beside its final name and renamed into place when complete ({@link
 * io.sadump.machine.output.StagedDirectory}), and an undo record of a file range that is rewritten in
 * place ({@link io.sadump.machine.output.RangeUndoRecord}). A failure, a full disk or a kill leaves the
 * older file, directory or range as it was, and no partial file behind.
 *
 * <p>May use: the JDK only. Nothing here prints or exits.
 */
package io.sadump.machine.output;
