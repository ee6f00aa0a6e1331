package io.sadump.hmc;

import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the web and the API may take a volume to mount from: a file name under the machine's directory
 * or under the site's dump library. A remote user names a file, never a path: absolute paths, {@code ..},
 * and symlinks that lead out of those directories are refused, so a browser cannot mount (and so read
 * or overwrite) any file the server can reach.
 */
public final class MountLibrary {
    private final List<Path> roots;

    public MountLibrary(Path machineDir, Optional<Path> library) {
        List<Path> r = new ArrayList<>();
        r.add(machineDir);
        library.ifPresent(r::add);
        this.roots = List.copyOf(r);
    }

    /** The file {@code name} names, in the first root that has it. */
    public Path resolve(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidValueException("name the image to mount (a file in the machine directory or the library)");
        }
        Path rel;
        try {
            rel = Path.of(name);
        } catch (InvalidPathException e) {
            throw new InvalidValueException("not a file name: '" + name + "'");
        }
        if (rel.isAbsolute() || name.startsWith("/") || name.startsWith("\\")) {
            throw new InvalidValueException("an image to mount is named by its file name in the machine directory or "
                    + "the library, not by a path: '" + name + "'");
        }
        for (Path part : rel) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw new InvalidValueException("an image name may not contain '" + part + "': '" + name + "'");
            }
        }
        for (char c : name.toCharArray()) {
            if (Character.isISOControl(c)) {
                throw new InvalidValueException("an image name may not contain control characters");
            }
        }
        for (Path root : roots) {
            Path candidate = root.resolve(rel);
            if (!Files.exists(candidate)) {
                continue;
            }
            try {
                Path real = candidate.toRealPath();
                Path realRoot = root.toRealPath();
                if (!real.startsWith(realRoot)) {
                    throw new InvalidValueException("'" + name + "' leads out of " + root + " (a symbolic link): refused");
                }
                if (!Files.isRegularFile(real)) {
                    throw new InvalidValueException("'" + name + "' is not a file");
                }
                return real;
            } catch (IOException e) {
                throw new MachineException("cannot read " + candidate + ": " + e.getMessage(), e);
            }
        }
        throw new InvalidValueException("no image '" + name + "' in " + String.join(" or ",
                roots.stream().map(Path::toString).toList()));
    }

    private static boolean inside(Path p, Path realRoot) {
        try {
            return p.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    /** The files one may mount: regular files directly in the roots, by name. */
    public List<String> images() {
        List<String> out = new ArrayList<>();
        for (Path root : roots) {
            try (var s = Files.list(root)) {
                Path realRoot = root.toRealPath();
                s.filter(Files::isRegularFile).filter(p -> inside(p, realRoot)).map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".aws") || n.endsWith(".3390") || n.endsWith(".ckd"))
                        .filter(n -> !out.contains(n)).sorted().forEach(out::add);
            } catch (IOException e) {
                // an unreadable library lists nothing
            }
        }
        return out;
    }
}
