package io.sadump.hmc.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sadump.archive.DumpInfo;
import io.sadump.archive.ZgetdumpAttributes;
import io.sadump.dump.DumpFormat;
import io.sadump.hmc.ConsoleLine;
import io.sadump.hmc.DumpEntry;
import io.sadump.hmc.MachineStatus;
import io.sadump.hmc.TaskHolder;
import io.sadump.ipl.AfterDump;
import io.sadump.ipl.LoadOutcome;
import io.sadump.machine.CpuControls;
import io.sadump.machine.InvalidValueException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON the console pages read: machine status, task outcomes, console lines, dumps. Built as maps here,
 * field by field, so that what a browser sees is decided in one place and never by a record's accessors.
 */
final class WebJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private WebJson() {}

    static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request's body as a JSON object; an empty body is an empty object. */
    static JsonNode body(String body) {
        if (body == null || body.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || !n.isObject()) {
                throw new InvalidValueException("the request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new InvalidValueException("the request body is not JSON: " + e.getOriginalMessage());
        }
    }

    static String string(JsonNode body, String field, String fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new InvalidValueException("'" + field + "' must be a string");
        }
        return n.asText();
    }

    static boolean flag(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new InvalidValueException("'" + field + "' must be true or false");
        }
        return n.asBoolean();
    }

    static Map<String, Object> status(MachineStatus s, Optional<TaskHolder> busy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("storageBytes", s.storageBytes());
        m.put("cpuCount", s.cpuCount());
        m.put("runState", s.runState());
        m.put("runWord", s.runWord());
        List<Object> psws = new ArrayList<>();
        for (MachineStatus.CpuPsw p : s.psws()) {
            psws.add(Map.of("cpu", p.cpu(), "psw", p.psw(), "disabledWait", p.disabledWait()));
        }
        m.put("psws", psws);
        m.put("kdumpLoaded", s.kdumpLoaded());
        MachineStatus.Verdict v = s.verdict();
        m.put("verdict", Map.of("passed", v.passed(), "code", v.code(), "hex", v.hex(), "reason", v.reason(),
                "summary", v.summary()));
        List<Object> devices = new ArrayList<>();
        for (MachineStatus.DeviceStatus d : s.devices()) {
            devices.add(Map.of("devno", d.devno(), "type", d.type(), "image", d.image()));
        }
        m.put("devices", devices);
        m.put("lastDump", s.lastDump().map(d -> (Object) Map.of("kind", d.kind(), "path", d.path(), "time",
                d.time().toString(), "complete", d.complete())).orElse(null));
        List<Object> regions = new ArrayList<>();
        for (MachineStatus.Region r : s.storageMap().regions()) {
            regions.add(Map.of("start", r.start(), "end", r.end(), "kind", r.kind(), "mark", String.valueOf(r.mark()),
                    "name", r.name()));
        }
        m.put("storageMap", Map.of("size", s.storageMap().size(), "writtenFrames", s.storageMap().writtenFrames(),
                "frames", s.storageMap().frames(), "regions", regions));
        m.put("busy", busy.map(WebJson::holder).orElse(null));
        return m;
    }

    static Map<String, Object> holder(TaskHolder h) {
        return Map.of("user", h.user(), "task", h.task(), "since", h.since().toString(), "text", h.describe());
    }

    static Map<String, Object> line(ConsoleLine l) {
        return Map.of("seq", l.seq(), "time", l.time().toString(), "text", l.text());
    }

    static Map<String, Object> outcome(LoadOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trigger", o.trigger());
        m.put("verdict", o.verdictWord());
        m.put("code", String.format("0x%04X", o.verdictCode()));
        m.put("reason", o.verdict().map(v -> v.message()).orElse(o.reason()));
        m.put("summary", o.reason());
        if (o.dumpFormat().isPresent()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("kind", o.dumpWord());
            d.put("complete", o.dumpComplete());
            d.put("code", String.format("0x%04X", o.dumpCode()));
            d.put("paths", o.paths());
            d.put("bytes", o.bytes());
            d.put("where", o.wrote(DumpFormat.ELF) ? "file" : "device");
            m.put("dump", d);
        }
        m.put("after", switch (o.after()) {
            case REIPL -> "re-IPL: the production system runs again";
            case DISABLED_WAIT -> String.format("disabled wait, code 0x%04X", o.waitCode());
            case STOPPED -> "stopped";
        });
        m.put("afterWord", o.after().word());
        if (o.after() == AfterDump.DISABLED_WAIT) {
            m.put("waitCode", String.format("0x%04X", o.waitCode()));
        }
        m.put("durationMs", o.duration().toMillis());
        m.put("messages", o.messages());
        return m;
    }

    static Map<String, Object> control(CpuControls.Result r) {
        return Map.of("task", r.task(), "message", r.message(), "before", r.before().describe(), "after",
                r.after().describe());
    }

    /** The facts {@code zgetdump -i} shows, as label/value pairs in its order (UTC times). */
    static List<List<String>> facts(DumpEntry e) {
        List<List<String>> out = new ArrayList<>();
        e.device().ifPresent(d -> out.add(List.of("Device", d)));
        e.info().ifPresent(i -> {
            ZgetdumpAttributes a = i.zgetdump();
            out.add(List.of("Dump format", i.format()));
            a.version().ifPresent(v -> out.add(List.of("Version", Integer.toString(v))));
            a.created().ifPresent(t -> out.add(List.of("Dump created", t.toString())));
            a.ended().ifPresent(t -> out.add(List.of("Dump ended", t.toString())));
            a.dumpMethod().ifPresent(m -> out.add(List.of("Dump method", m)));
            a.cpuId().ifPresent(c -> out.add(List.of("Dump CPU ID", Long.toHexString(c))));
            i.uts().nodename().ifPresent(n -> out.add(List.of("UTS node name", n)));
            i.uts().release().ifPresent(n -> out.add(List.of("UTS kernel release", n)));
            i.uts().unverified().ifPresent(why -> out.add(List.of("UTS info", "UNVERIFIED (" + why + ")")));
            out.add(List.of("System arch", DumpInfo.ARCH));
            a.onlineCpuCount().ifPresent(c -> out.add(List.of("CPU count (online)", Integer.toString(c))));
            a.realCpuCount().ifPresent(c -> out.add(List.of("CPU count (real)", Integer.toString(c))));
            a.memoryRange().ifPresent(r -> out.add(List.of("Dump memory range", (r >> 20) + " MB")));
            a.realMemorySize().ifPresent(r -> out.add(List.of("Real memory range", (r >> 20) + " MB")));
            a.fileSize().ifPresent(s -> out.add(List.of("Dump file size", (s >> 20) + " MB")));
        });
        if (e.info().isEmpty()) {
            out.add(List.of("File size", e.bytes() + " bytes"));
        }
        e.problem().ifPresent(p -> out.add(List.of("Problem", p)));
        return out;
    }
}
