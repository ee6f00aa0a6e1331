package io.sadump.hmc;

import io.sadump.archive.DumpInfo;
import io.sadump.archive.DumpOpener;
import io.sadump.archive.OpenedDump;
import io.sadump.machine.AttachedDevice;
import io.sadump.machine.MachineDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Finds a machine's dumps: the kdump vmcores and the dumps on its devices. A file's facts are kept while
 * its time and size stay (a web console asks for the status often; reading a large dump's facts is not
 * free).
 */
final class Dumps {
    private Dumps() {}

    static List<DumpEntry> list(MachineDirectory machine) {
        List<DumpEntry> out = new ArrayList<>();
        for (Path vmcore : vmcores(machine)) {
            out.add(entry(DumpEntry.VMCORE, vmcore, Optional.empty()));
        }
        for (AttachedDevice d : machine.config().devices()) {
            Path image = machine.deviceImage(d);
            if (Files.isRegularFile(image)) {
                DumpEntry e = entry(DumpEntry.DEVICE, image, Optional.of(d.number().toString()));
                if (e.info().isPresent()) {
                    out.add(e); // a device without a dump on it is no dump
                }
            }
        }
        out.sort(Comparator.comparing(DumpEntry::time).reversed());
        return out;
    }

    /** The newest dump, for the status (a file is opened again only when it changed since). */
    static Optional<MachineStatus.LastDump> newest(MachineDirectory machine) {
        List<DumpEntry> all = list(machine);
        return all.stream().findFirst().map(e -> new MachineStatus.LastDump(
                e.kind().equals(DumpEntry.VMCORE) ? DumpEntry.VMCORE : e.info().map(DumpInfo::format).orElse("device"),
                e.path().toString(), e.time(), e.complete()));
    }

    private static List<Path> vmcores(MachineDirectory machine) {
        Path dir = machine.vmcoreDir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.resolve("vmcore")).filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What a file was when it was opened last: a dump is read again only when it changed. */
    private record Seen(Instant time, long bytes, DumpEntry entry) {}

    private static final Map<Path, Seen> SEEN = new ConcurrentHashMap<>();

    private static DumpEntry entry(String kind, Path file, Optional<String> device) {
        Instant time;
        long bytes;
        try {
            time = Files.getLastModifiedTime(file).toInstant();
            bytes = Files.size(file);
        } catch (IOException e) {
            return new DumpEntry(kind, file, device, Instant.EPOCH, 0, Optional.empty(), Optional.of(e.getMessage()));
        }
        Path key = file.toAbsolutePath().normalize();
        Seen seen = SEEN.get(key);
        if (seen != null && seen.time().equals(time) && seen.bytes() == bytes && seen.entry().kind().equals(kind)
                && seen.entry().device().equals(device)) {
            return seen.entry();
        }
        DumpEntry e = open(kind, file, device, time, bytes);
        if (SEEN.size() > 1024) {
            SEEN.clear(); // a server that has seen many dumps starts its memory afresh
        }
        SEEN.put(key, new Seen(time, bytes, e));
        return e;
    }

    private static DumpEntry open(String kind, Path file, Optional<String> device, Instant time, long bytes) {
        try (OpenedDump opened = DumpOpener.open(List.of(file))) {
            DumpInfo info = DumpInfo.of(opened);
            return new DumpEntry(kind, file, device, time, bytes, Optional.of(info), info.problem());
        } catch (IOException | RuntimeException e) {
            return new DumpEntry(kind, file, device, time, bytes, Optional.empty(),
                    Optional.of(String.valueOf(e.getMessage())));
        }
    }
}
