package io.sadump.hmc.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The {@code object-id}s: stable across restarts of the server, so automation may keep them. The CPC's
 * is derived from the state directory (one site, one CPC), a logical partition's from its machine
 * directory's name (the LPAR name); both are name-based UUIDs (RFC 4122 version 3), the form the
 * HMC's object ids take.
 */
final class ObjectIds {
    private ObjectIds() {}

    /** The CPC's id: from the state directory's real path, so a symbolic link to it gives the same id. */
    static String cpc(Path stateDir) {
        Path p;
        try {
            p = stateDir.toRealPath();
        } catch (IOException e) {
            p = stateDir.toAbsolutePath().normalize();
        }
        return uuid("sadump cpc " + p);
    }

    static String lpar(String machineName) {
        return uuid("sadump lpar " + machineName);
    }

    private static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
