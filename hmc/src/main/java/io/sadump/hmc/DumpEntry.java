package io.sadump.hmc;

import io.sadump.archive.DumpInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One dump a machine holds: a kdump vmcore in {@code DIR/vmcore/<time>/}, or a stand-alone dump on an
 * attached device's image.
 *
 * @param kind {@code vmcore} or {@code device}
 * @param path the file
 * @param device the device number ({@code 0.0.0190}) for a device dump
 * @param time when it was written (the file's modification time)
 * @param bytes the file's size
 * @param info the facts {@code zgetdump -i} shows, when the file could be opened as a dump
 * @param problem why it is not a complete dump (from the facts, or why it could not be opened)
 */
public record DumpEntry(String kind, Path path, Optional<String> device, Instant time, long bytes,
        Optional<DumpInfo> info, Optional<String> problem) {
    public static final String VMCORE = "vmcore";
    public static final String DEVICE = "device";

    /** Whether the reader calls it complete. */
    public boolean complete() {
        return problem.isEmpty();
    }
}
