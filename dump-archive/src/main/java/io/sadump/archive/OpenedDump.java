package io.sadump.archive;

import io.sadump.dump.ReadBackDump;
import io.sadump.machine.channel.DumpBlockSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A dump found in one or more files, with where it came from.
 *
 * @param dump the memory and facts the reader found (complete or not)
 * @param medium what held it: "file", "3390 CKD image", "AWSTAPE image"
 * @param files the source files in volume order
 * @param volumes the volumes (one for a single-volume dump)
 * @param object a dump read from no file (an object in object storage): its bytes, which the dump
 *     owns, for the facts read from them beside the dump ({@code files} and {@code volumes} are empty)
 */
public record OpenedDump(ReadBackDump dump, String medium, List<Path> files, List<DumpVolume> volumes,
        Optional<DumpBlockSource> object) implements AutoCloseable {
    public OpenedDump {
        files = List.copyOf(files);
        volumes = List.copyOf(volumes);
    }

    /** A dump read from files. */
    public OpenedDump(ReadBackDump dump, String medium, List<Path> files, List<DumpVolume> volumes) {
        this(dump, medium, files, volumes, Optional.empty());
    }

    @Override
    public void close() throws IOException {
        dump.close();
    }
}
