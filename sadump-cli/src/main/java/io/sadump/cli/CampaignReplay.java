package io.sadump.cli;

import io.sadump.campaign.Campaign;
import io.sadump.campaign.Scenario;
import io.sadump.campaign.ScenarioResult;
import io.sadump.fixtures.ByteChange;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code sadump campaign --replay ID}: one scenario run again, shown in detail: the injection, the
 * console, the outcome and, when it was unexpected, what went wrong and where its machine is kept.
 */
final class CampaignReplay {
    private CampaignReplay() {}

    /** Runs {@code s} in {@code campaignDir}; returns the exit status, 0 when it ended as promised. */
    static int run(Path campaignDir, Scenario s, CoreCollector collector, boolean json, PrintWriter out)
            throws IOException {
        ScenarioResult r = Campaign.replay(campaignDir, s, collector);
        if (json) {
            CampaignJson.printReplay(out, r, collector);
            return r.expected() ? 0 : 1;
        }
        out.printf("Scenario %s: %s, injection seed %d, %s system%n", s.id(), s.kind().kindName(), s.seed(),
                Sizes.format(s.storageSize()));
        out.println("Core collector: " + collector.commandLine());
        out.println("Promised: " + s.kind().expectedText());
        r.injection().ifPresent(i -> {
            out.println("Injection: " + i.description());
            for (ByteChange ch : i.changes()) {
                out.println("  " + ch);
            }
        });
        out.println("Console:");
        for (String m : r.messages()) {
            out.println("  | " + m);
        }
        out.println("Outcome: " + r.outcome());
        if (r.expected()) {
            out.println(collector.filters() && r.outcome().equals("kdump")
                    ? "As promised: verdict, the filtered dump holds exactly the pages its level keeps, each equal to "
                            + "storage, no other change on disk."
                    : "As promised: verdict, dump read back equal to storage, no other change on disk.");
        } else {
            out.println("UNEXPECTED:");
            for (String p : r.problems()) {
                out.println("  " + p);
            }
            Path kept = Campaign.keptMachine(campaignDir, s);
            if (Files.isDirectory(kept)) {
                out.println("The machine is kept in " + kept + " (try: sadump hmc " + kept + " messages)");
            }
        }
        out.flush();
        return r.expected() ? 0 : 1;
    }
}
