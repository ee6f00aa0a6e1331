package io.sadump.archive;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One volume of a dump that was read back: the file it came from and, for a DASD, its device number
 * and the state zgetdump reports for a multi-volume set (docs/formats.md §5).
 *
 * @param index the volume number in the set (0 for a single volume)
 * @param file the image or dump file
 * @param device the device number from the multi-volume table, when known
 * @param state "active" (holds part of the dump), "unused" (prepared, the dump did not reach it)
 */
public record DumpVolume(int index, Path file, Optional<String> device, String state) {}
