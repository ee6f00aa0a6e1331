package io.sadump.hmc.web;

import io.sadump.hmc.security.HmcTask;
import io.sadump.machine.InvalidValueException;

/** The tasks as the console's URLs and pages name them, each with the HMC task whose permission it needs. */
enum WebTask {
    DISPLAY("display", HmcTask.DISPLAY),
    MESSAGES("messages", HmcTask.OS_MESSAGES),
    DUMPS("dumps", HmcTask.DUMPS),
    LOAD("load", HmcTask.LOAD),
    RESTART("restart", HmcTask.PSW_RESTART),
    STOP("stop", HmcTask.STOP),
    START("start", HmcTask.START),
    RESET_NORMAL("reset-normal", HmcTask.RESET_NORMAL),
    RESET_CLEAR("reset-clear", HmcTask.RESET_CLEAR),
    MOUNT("mount", HmcTask.MOUNT),
    DOWNLOAD("download", HmcTask.DOWNLOAD_DUMP),
    ARCHIVE("archive", HmcTask.ARCHIVE);

    final String slug;
    final HmcTask task;

    WebTask(String slug, HmcTask task) {
        this.slug = slug;
        this.task = task;
    }

    /** The task a {@code POST /ui/machines/{m}/tasks/{slug}} runs. */
    static WebTask runnable(String slug) {
        for (WebTask t : values()) {
            if (t.slug.equals(slug) && (t.task.disruptive() || t == START || t == MOUNT)) {
                return t;
            }
        }
        throw new InvalidValueException("no task '" + slug + "': load, restart, stop, start, reset-normal, "
                + "reset-clear or mount");
    }
}
