package io.sadump.hmc.security;

import java.util.Locale;
import java.util.Optional;

/**
 * The HMC's tasks, by the names a role's permissions use (hmc-web.md §1): the GUI task name is also the
 * name of the permission. Disruptive tasks change a running system; the consoles confirm them.
 */
public enum HmcTask {
    DISPLAY("Display", false),
    OS_MESSAGES("Operating System Messages", false),
    DUMPS("Dumps", false),
    LOAD("Load", true),
    PSW_RESTART("PSW Restart", true),
    STOP("Stop All", true),
    START("Start All", false),
    RESET_NORMAL("Reset Normal", true),
    RESET_CLEAR("Reset Clear", true),
    MOUNT("Mount", false),
    DOWNLOAD_DUMP("Download Dump", false),
    ARCHIVE("Archive Dump", false),
    DUMP_DEVICES("Dump Devices", false),
    KEXEC("Kexec", false),
    MANAGE_USERS("Manage Users", false),
    AUDIT_LOG("Audit Log", false);

    private final String title;
    private final boolean disruptive;

    HmcTask(String title, boolean disruptive) {
        this.title = title;
        this.disruptive = disruptive;
    }

    /** The HMC's name: {@code Stop All}. */
    public String title() {
        return title;
    }

    /** Whether it disrupts a running system (Load, PSW Restart, Stop All, Reset Normal, Reset Clear). */
    public boolean disruptive() {
        return disruptive;
    }

    /** The task named {@code Stop All}, {@code stop-all}, {@code STOP} or {@code stop} (case and separators ignored). */
    public static Optional<HmcTask> named(String name) {
        String n = norm(name);
        for (HmcTask t : values()) {
            if (norm(t.title).equals(n) || norm(t.name()).equals(n)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static String norm(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
