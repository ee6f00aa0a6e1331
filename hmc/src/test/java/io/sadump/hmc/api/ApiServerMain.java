package io.sadump.hmc.api;

import io.javalin.Javalin;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.security.HmcState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A server with only the Web Services API installed, for tests that kill it: {@code ApiServerMain STATE
 * MACHINES PORTFILE} serves the machine directories under MACHINES with the users of STATE on a free
 * port of 127.0.0.1, writes that port to PORTFILE (renamed into place, so a reader never sees half of
 * it) and runs until it is killed.
 */
public final class ApiServerMain {
    private ApiServerMain() {}

    public static void main(String[] args) throws Exception {
        HmcSite site = HmcSite.of(List.of(Path.of(args[1])), HmcState.at(Path.of(args[0])));
        WebServicesApi api = new WebServicesApi(site);
        Javalin app = Javalin.create(api::install).start("127.0.0.1", 0);
        Path port = Path.of(args[2]);
        Path tmp = port.resolveSibling(port.getFileName() + ".new");
        Files.writeString(tmp, Integer.toString(app.port()));
        Files.move(tmp, port, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
