package io.sadump.hmc.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.security.HmcSite;
import io.sadump.hmc.MachineStatus;
import io.sadump.hmc.MountLibrary;
import io.sadump.hmc.TaskContext;
import io.sadump.hmc.TaskObserver;
import io.sadump.hmc.security.HmcTask;
import io.sadump.ipl.LoadRequest;
import io.sadump.machine.DeviceNumber;
import io.sadump.machine.InvalidValueException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The systems list, one machine's status, the tasks and the displays: {@code /ui/machines/...}. Every
 * request is checked by the site's {@code Authorizer} (the same check the API makes) and every task runs
 * through {@link HmcMachine}, which applies the HMC's rules, takes the machine's lock and writes the audit
 * record; a refusal here (permission, password, CSRF) is audited here.
 */
final class ConsoleEndpoints {
    /** What the browser may display of storage at once: 64 KiB is 4096 lines, more than anyone reads. */
    static final long MAX_WEB_STORAGE = 64 * 1024;

    private final HmcSite site;
    private final BrowserSessions sessions;
    private final TaskGate gate;

    ConsoleEndpoints(HmcSite site, BrowserSessions sessions, TaskGate gate) {
        this.site = site;
        this.sessions = sessions;
        this.gate = gate;
    }

    /** The machine {@code name} for {@code task}: 404 when unknown or outside the role, 403 when not permitted. */
    HmcMachine machine(BrowserSessions.Caller c, WebTask task, String name) {
        return site.machine(c.user(), task.task, name, c.origin());
    }

    /** {@code GET /ui/machines}: every machine the role reaches. */
    void list(Context ctx) {
        BrowserSessions.Caller c = sessions.require(ctx);
        List<Object> out = new ArrayList<>();
        // a machine outside the role's scope is not listed at all
        for (String name : site.authorizer().visibleMachines(c.user())) {
            if (site.authorizer().permits(c.user(), HmcTask.DISPLAY, name)) {
                HmcMachine m = site.machine(c.user(), HmcTask.DISPLAY, name, c.origin());
                out.add(WebJson.status(m.status(), m.busy()));
            }
        }
        ctx.json(Map.of("machines", out));
    }

    /** {@code GET /ui/machines/{m}}. */
    void status(Context ctx) {
        BrowserSessions.Caller c = sessions.require(ctx);
        HmcMachine m = machine(c, WebTask.DISPLAY, ctx.pathParam("m"));
        ctx.json(WebJson.status(m.status(), m.busy()));
    }

    /** {@code GET /ui/machines/{m}/display/{what}[?address=&length=]}. */
    void display(Context ctx) {
        BrowserSessions.Caller c = sessions.require(ctx);
        HmcMachine m = machine(c, WebTask.DISPLAY, ctx.pathParam("m"));
        DisplayText.What what = DisplayText.What.parse(ctx.pathParam("what"));
        String length = ctx.queryParam("length");
        if (what == DisplayText.What.STORAGE && length != null && !length.isBlank()
                && io.sadump.hmc.StorageRange.number(length, "length") > MAX_WEB_STORAGE) {
            throw new InvalidValueException("the console displays at most 64K of storage at once; for more use "
                    + "'sadump hmc DIR display storage ADDR LEN' or download a dump");
        }
        DisplayText.Display d = DisplayText.of(m, what, ctx.queryParam("address"), length);
        ctx.json(Map.of("title", d.title(), "lines", d.lines()));
    }

    /** {@code GET /ui/machines/{m}/mountable}: the devices and, per device, the images the library offers. */
    void mountable(Context ctx) {
        BrowserSessions.Caller c = sessions.require(ctx);
        HmcMachine m = machine(c, WebTask.MOUNT, ctx.pathParam("m"));
        List<String> images = new MountLibrary(m.path(), site.library()).images();
        List<Object> devices = new ArrayList<>();
        for (MachineStatus.DeviceStatus d : m.status().devices()) {
            boolean tape = d.image().toLowerCase(Locale.ROOT).endsWith(".aws");
            List<String> fit = images.stream().filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".aws") == tape)
                    .filter(n -> !n.equals(d.image())).toList();
            devices.add(Map.of("devno", d.devno(), "type", d.type(), "images", fit));
        }
        ctx.json(Map.of("devices", devices));
    }

    /** {@code POST /ui/machines/{m}/tasks/{task}}: runs the task and answers with its outcome. */
    void run(Context ctx) throws IOException, InterruptedException {
        BrowserSessions.Caller c = sessions.require(ctx);
        sessions.checkCsrf(ctx, c);
        WebTask task = WebTask.runnable(ctx.pathParam("t"));
        String name = ctx.pathParam("m");
        HmcMachine m = machine(c, task, name);
        JsonNode body = WebJson.body(ctx.body());
        try {
            if (task.task.disruptive()) {
                sessions.reauthenticate(c, body, task.task);
            }
            if (task == WebTask.RESET_CLEAR && body.path("confirmations").asInt(0) != 2) {
                throw new WebErrors.Refused("Reset Clear zeroes storage: it needs both confirmations");
            }
        } catch (RuntimeException e) {
            site.audit().refused(c.user().name(), c.origin(), name, task.task.title(), "", e.getMessage());
            throw e;
        }
        TaskContext tc = new TaskContext(c.user().name(), c.origin(), TaskObserver.NONE);
        LoadRequest load = null;
        if (task == WebTask.LOAD) {
            String address = WebJson.string(body, "address", "");
            try {
                load = new LoadRequest(DeviceNumber.parse(address), WebJson.flag(body, "clear"),
                        WebJson.flag(body, "storeStatus"), WebJson.string(body, "loadparm", ""));
            } catch (InvalidValueException e) {
                // HmcMachine records what it refuses itself; a load address it never saw is recorded here
                site.audit().refused(c.user().name(), c.origin(), name, task.task.title(), "devno=" + address,
                        e.getMessage());
                throw e;
            }
        }
        try (TaskGate.Ticket ticket = gate.enter()) {
            Object result = switch (task) {
                case LOAD -> WebJson.outcome(m.load(load, tc));
                case RESTART -> WebJson.outcome(m.restart(tc));
                case STOP -> WebJson.control(m.stop(tc));
                case START -> WebJson.control(m.start(tc));
                case RESET_NORMAL -> WebJson.control(m.reset(false, tc));
                case RESET_CLEAR -> WebJson.control(m.reset(true, tc));
                case MOUNT -> Map.of("message", m.mount(WebJson.string(body, "device", ""),
                        WebJson.string(body, "image", ""), tc).message());
                default -> throw new InvalidValueException("not a task: " + task.slug);
            };
            ctx.json(result);
        }
    }
}
