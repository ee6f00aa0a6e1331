package io.sadump.cli;

import io.sadump.machine.CpuControls;
import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.TaskContext;
import io.sadump.hmc.TaskObserver;
import io.sadump.machine.RunState;
import java.io.PrintWriter;

/** How {@code sadump hmc stop|start|reset} show what they did: the console line, or JSON for scripts. */
final class HmcControlReport {
    private HmcControlReport() {}

    /** One CPU control task on a machine. */
    interface Control {
        CpuControls.Result apply(HmcMachine machine, TaskContext ctx);
    }

    /** Runs {@code control} on {@code machine} (its message is printed here, not echoed), then reports it. */
    static int run(HmcMachine machine, Control control, PrintWriter out, boolean json) {
        return report(out, control.apply(machine, TaskContext.local(TaskObserver.NONE)), json);
    }

    static int report(PrintWriter out, CpuControls.Result r, boolean json) {
        if (json) {
            StringBuilder sb = new StringBuilder("{");
            HmcOutcomeReport.field(sb, "task", HmcOutcomeReport.str(r.task()));
            HmcOutcomeReport.field(sb, "before", state(r.before()));
            HmcOutcomeReport.field(sb, "after", state(r.after()));
            HmcOutcomeReport.field(sb, "message", HmcOutcomeReport.str(r.message()));
            out.println(sb.append('}'));
        } else {
            out.println(r.message());
            out.println("State:    " + r.after().describe());
        }
        out.flush();
        return 0;
    }

    /** {@code {"state":"disabled-wait","wait_code":"0x4533"}} or {@code {"state":"stopped"}}. */
    static String state(RunState s) {
        StringBuilder sb = new StringBuilder("{");
        HmcOutcomeReport.field(sb, "state", HmcOutcomeReport.str(s.status().word()));
        if (s.status() == RunState.Status.DISABLED_WAIT) {
            HmcOutcomeReport.field(sb, "wait_code", HmcOutcomeReport.str(String.format("0x%04X", s.waitCode())));
        }
        return sb.append('}').toString();
    }
}
