package io.sadump.hmc.api;

import io.sadump.fixtures.ProductionState;
import io.sadump.fixtures.ProductionSystem;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.MachineBusyException;
import io.sadump.hmc.MachineStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A machine directory as the WSAPI's Logical Partition object: its properties (the data model's names,
 * a subset that a machine directory can answer truthfully) from {@link HmcMachine#status()}.
 *
 * <p>The status model (WSAPI LPAR data model, docs/hmc.md "Sessions"): {@code operating} when the CPUs
 * run, {@code not-operating} when they are stopped or in a disabled wait (no program runs; the PSW
 * information shows the wait code, as the HMC's does), {@code exceptions} when they are check-stopped.
 * A machine directory is always activated, so {@code not-activated} does not occur.
 */
final class LparView {
    static final String CLASS = "logical-partition";

    private final HmcMachine machine;
    private final String cpcUri;

    LparView(HmcMachine machine, String cpcUri) {
        this.machine = machine;
        this.cpcUri = cpcUri;
    }

    String name() {
        return machine.name();
    }

    String id() {
        return ObjectIds.lpar(machine.name());
    }

    String uri() {
        return "/api/logical-partitions/" + id();
    }

    HmcMachine machine() {
        return machine;
    }

    /** The WSAPI status of a run-state word ({@link MachineStatus#runWord()}). */
    static String status(String runWord) {
        return switch (runWord) {
            case "operating" -> "operating";
            case "check-stop" -> "exceptions";
            default -> "not-operating"; // stopped, disabled-wait
        };
    }

    /**
     * The LPAR's status now, from the run state alone (cheap enough for zhmcclient's status polling).
     *
     * @throws io.sadump.hmc.MachineBusyException while a task changes the machine (an operation's check)
     */
    String status() {
        return status(machine.runState().status().word());
    }

    /**
     * The status to show: as {@link #status()}, and while a task holds the machine (its run state is
     * half-way then) {@code operating} for a load or a restart, whose dump program or kdump kernel runs
     * on the CPUs, {@code not-operating} for the CPU controls, which end with the CPUs stopped or started
     * within a moment.
     */
    String displayStatus() {
        try {
            return status();
        } catch (MachineBusyException e) {
            String task = e.holder().task();
            return task.equals("load") || task.equals("restart") ? "operating" : "not-operating";
        }
    }

    /** The short form the list operation returns ({@code object-uri}, {@code name}, {@code status}). */
    Map<String, Object> listEntry() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("object-uri", uri());
        p.put("name", name());
        p.put("status", displayStatus());
        return p;
    }

    /** The properties that need no read of the machine's state files (answered while a task runs). */
    private Map<String, Object> identity() {
        String status = displayStatus();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("object-uri", uri());
        p.put("object-id", id());
        p.put("parent", cpcUri);
        p.put("class", CLASS);
        p.put("name", name());
        p.put("description", "sadump machine directory " + name());
        p.put("status", status);
        p.put("acceptable-status", List.of("operating"));
        p.put("has-unacceptable-status", !status.equals("operating"));
        p.put("is-locked", false);
        p.put("activation-mode", "linux-only");
        return p;
    }

    /**
     * The properties {@code names} asks for (all when empty). Those of {@link #identity()} are answered
     * while a task runs; the others read the machine, which is refused then ({@code MachineBusyException}).
     */
    Map<String, Object> properties(Set<String> names) {
        Map<String, Object> id = identity();
        if (!names.isEmpty() && id.keySet().containsAll(names)) {
            return id;
        }
        return properties();
    }

    /** Every property this model has, in the data model's names. */
    Map<String, Object> properties() {
        MachineStatus s = machine.status();
        Map<String, Object> p = identity();
        List<Map<String, Object>> psws = new ArrayList<>();
        for (MachineStatus.CpuPsw c : s.psws()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("cpid", String.format("%02X", c.cpu()));
            e.put("psw", c.psw().toUpperCase(Locale.ROOT));
            psws.add(e);
        }
        p.put("program-status-word-information", psws);
        LastLoad last = LastLoad.of(machine);
        p.put("last-used-load-address", last.address());
        p.put("last-used-load-parameter", last.parameter());
        p.put("last-used-load-type", "ipltype-standard");
        p.put("has-operating-system-messages", machine.console().last() > 0);
        Optional<ProductionState> os = ProductionSystem.stateOf(machine.directory());
        p.put("os-type", os.isPresent() ? "Linux" : "");
        p.put("os-name", os.map(ProductionState::nodename).orElse(""));
        p.put("os-level", "");
        p.put("number-general-purpose-processors", s.cpuCount());
        p.put("storage-central-allocation", List.of(Map.of("storage-element-type", "central", "origin", 0,
                "initial", s.storageBytes() >> 20, "current", s.storageBytes() >> 20, "maximum",
                s.storageBytes() >> 20, "gap", 0)));
        return p;
    }
}
