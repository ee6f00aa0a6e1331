package io.sadump.hmc.security;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Another process on a state directory, for the tests: {@code audit STATE N TAG} appends N logons;
 * {@code users-kill STATE} adds a user and stops between writing the new users file and renaming it,
 * printing {@code WRITTEN}, until it is killed.
 */
public final class SecurityChild {
    private SecurityChild() {}

    public static void main(String[] args) throws Exception {
        HmcState state = HmcState.at(Path.of(args[1]));
        switch (args[0]) {
            case "audit" -> {
                AuditLog log = new AuditLog(state);
                for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                    log.login(args[3], "local", true, "n" + i);
                }
            }
            case "users-kill" -> {
                UserStore store = new UserStore(state, RoleCatalog.builtIn(), UserStoreTest.FAST, Clock.systemUTC());
                store.beforeRename = () -> {
                    System.out.println("WRITTEN");
                    System.out.flush();
                    try {
                        Thread.sleep(600_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                };
                store.add("bob", "viewer", "bobs password".toCharArray());
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("DONE");
    }

    static Process start(String... args) throws java.io.IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), SecurityChild.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
