package io.sadump.archive;

import io.sadump.dump.ReadBackDump;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A dump found in one or more files, with where it came from.
 *
 * @param dump the memory and facts the reader found (complete or not)
 * @param medium what held it: "file", "3390 CKD image", "AWSTAPE image"
 * @param files the source files in volume order
 * @param volumes the volumes (one for a single-volume dump)
 */
public record OpenedDump(ReadBackDump dump, String medium, List<Path> files, List<DumpVolume> volumes)
        implements AutoCloseable {
    public OpenedDump {
        files = List.copyOf(files);
        volumes = List.copyOf(volumes);
    }

    @Override
    public void close() throws IOException {
        dump.close();
    }
}
