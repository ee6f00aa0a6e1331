package io.sadump.cli;

import io.sadump.campaign.Campaign;
import io.sadump.campaign.CampaignHtmlReport;
import io.sadump.campaign.CampaignResult;
import io.sadump.campaign.FinishedScenario;
import io.sadump.campaign.ResultsFile;
import io.sadump.campaign.Scenario;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.Sizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sadump campaign}: the command of corruption-injection campaigns over the HMC load path: its
 * options, the run with a progress line, and the choice of report ({@link CampaignTextReport},
 * {@link CampaignJson}, an HTML page) or a replay ({@link CampaignReplay}).
 */
@Command(
        name = "campaign",
        header = "Run a corruption-injection campaign over the HMC load path.",
        mixinStandardHelpOptions = true,
        subcommands = CampaignWorkerCommand.class,
        description = {
            "Run a corruption-injection campaign: N scenarios, each a fresh copy of a",
            "production system (built once per storage size and cached in DIR/templates),",
            "one injection from the catalogue ('sadump inject --list') with kind, location",
            "and bit drawn from the seed, then the HMC load of the dump DASD with store",
            "status. Each scenario checks that the verdict is the one the catalogue",
            "promises (the fallback with its code; kdump for the controls), that the dump",
            "reads back equal to storage at dump time (per-MiB CRC-32C), and that nothing",
            "else on disk changed. Prints the kind x outcome table, the detection rate on",
            "checksummed data (must be 100%%), the false-fallback rate on the controls",
            "(must be 0%%), scenarios per second, and the ID of every unexpected scenario",
            "for --replay.",
            "",
            "--core-collector sets the kdump kernel's core collector in every scenario, as",
            "'machine create --core-collector' does for one machine (default: the whole ELF",
            "vmcore). With makedumpfile the vmcore is kdump-compressed and read back page",
            "by page: it must hold exactly the pages the dump level keeps (predicted from",
            "the workload's own page classes), each equal to storage at dump time (per-page",
            "CRC-32C), and every page the level leaves out must be absent, not zero data. A",
            "scenario whose filtered dump differs fails with the first differing pfn and",
            "its page class.",
            "",
            "The report depends only on the seed, the runs and the options: the same",
            "whatever --parallel, on a cluster or not, resumed or not, in whatever order",
            "the scenarios finished. Speed, workers and retried scenarios are in a part of",
            "their own (the text's last lines, the JSON's \"run\" object, the HTML's",
            "appendix).",
            "",
            "--results DIR keeps every finished scenario as one line of DIR/results.jsonl,",
            "forced to disk as it finishes. Run the same command again after a crash or a",
            "kill and only the scenarios the file lacks run (a larger --runs extends the",
            "campaign); a different seed, storage, kinds or core collector is refused.",
            "",
            "--cluster CONFIG runs the scenarios on the workers of a Hazelcast cluster",
            "('sadump campaign worker --help' for CONFIG and the workers); this process",
            "only hands out scenarios and writes the report. A worker that dies loses no",
            "scenario: its unfinished ones run on another, and the report lists them.",
            "",
            "Exit status 0 when every scenario ended as promised, 1 otherwise.",
        },
        footer = {
            "",
            "DIR defaults to /dev/shm/sadump-campaign when /dev/shm exists (memory: no disk I/O, no fsync cost),",
            "else <tmp>/sadump-campaign. The machines of up to 5 unexpected scenarios are kept in DIR/kept.",
            "",
            "Examples:",
            "  sadump campaign --runs 500 --seed 7",
            "  sadump campaign --kinds segment-bitflip-kernel,control-user-page --runs 50 --json",
            "  sadump campaign --runs 1000 --parallel 2 --report campaign.html",
            "  sadump campaign --runs 200 --core-collector \"makedumpfile -c -d 31\"",
            "  sadump campaign --runs 5000 --seed 7 --results /var/tmp/c7       # again after a kill: resumes",
            "  sadump campaign --cluster cluster.properties --runs 100000 --seed 7 --results /var/tmp/c7",
            "  sadump campaign --replay 64M:segment-bitflip-kernel:5c1e0f6b2a9d4e31",
            "  sadump campaign --replay 64M:control-user-page:0c3f5b6e1d2a4978 --core-collector \"makedumpfile -d 31\"",
        })
public final class CampaignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "Campaign directory: cached templates, scenario scratch space, kept machines.")
    Path dir;

    @Option(names = "--runs", paramLabel = "N", description = "Scenarios to run (default ${DEFAULT-VALUE}).")
    int runs = Campaign.DEFAULT_RUNS;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the draw (default ${DEFAULT-VALUE}); the same "
            + "seed runs the same scenarios.")
    long seed = Campaign.DEFAULT_SEED;

    @Option(names = "--kinds", paramLabel = "K", split = ",", description = "Injection kinds to draw from (default: "
            + "all; 'damaging' or 'controls' for those groups).")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--storage", paramLabel = "SIZE", description = "Storage of the systems (default 64M).")
    String storage = "64M";

    @Option(names = "--parallel", paramLabel = "P", description = "Scenarios run at once (default: the number of "
            + "cores).")
    Integer parallel;

    @Option(names = "--json", description = "Print the results as one JSON object.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML page "
            + "(table and chart of outcomes per kind).")
    Path report;

    @Option(names = "--replay", paramLabel = "ID", description = "Run one scenario again by its ID (as printed for "
            + "an unexpected outcome) and show the injection, the console and the checks.")
    String replay;

    @Option(names = "--core-collector", paramLabel = "CMD", description = "The kdump kernel's core collector in "
            + "every scenario: 'cp' (default: the whole ELF vmcore) or 'makedumpfile [-c|-z] -d N' (a filtered "
            + "kdump-compressed vmcore, read back page by page).")
    String coreCollector;

    @Option(names = "--results", paramLabel = "DIR", description = "Keep each finished scenario in DIR/results.jsonl "
            + "and run only the scenarios it lacks (resume after a kill).")
    Path results;

    @Option(names = "--cluster", paramLabel = "CONFIG", description = "Run the scenarios on the workers of the "
            + "Hazelcast cluster CONFIG names (see 'sadump campaign worker --help').")
    Path cluster;

    @Override
    public Integer call() throws IOException {
        Path campaignDir = dir != null ? dir : defaultDir();
        PrintWriter out = spec.commandLine().getOut();
        CoreCollector collector = coreCollector == null ? CoreCollector.COPY : CoreCollector.parse(coreCollector);
        if (replay != null) {
            if (report != null) {
                throw new UsageException("--report is for a campaign, not for --replay");
            }
            if (results != null || cluster != null) {
                throw new UsageException("--results and --cluster are for a campaign, not for --replay");
            }
            return CampaignReplay.run(campaignDir, Scenario.parse(replay), collector, json, out);
        }
        if (runs < 1) {
            throw new UsageException("--runs must be at least 1, not " + runs);
        }
        if (cluster != null && parallel != null) {
            throw new UsageException("with --cluster, each worker has its own --parallel ('sadump campaign worker "
                    + "CONFIG --parallel P')");
        }
        int p = parallel == null ? Runtime.getRuntime().availableProcessors() : parallel;
        if (p < 1) {
            throw new UsageException("--parallel must be at least 1, not " + p);
        }
        Campaign c = Campaign.defaults(campaignDir).withRuns(runs).withSeed(seed).withKinds(parseKinds(kinds))
                .withStorage(Sizes.parse(storage)).withParallel(p).withCoreCollector(collector);
        PrintWriter err = spec.commandLine().getErr();
        boolean bar = !json && ConsoleProgress.terminalAttached();
        CampaignResult r;
        try (ResultsFile kept = results != null ? ResultsFile.open(results, c) : null) {
            Map<Integer, FinishedScenario> finished = kept != null ? kept.finishedBelow(runs) : Map.of();
            Campaign.ScenarioSink sink = kept != null ? f -> kept.append(List.of(f)) : f -> { };
            if (cluster != null) {
                r = CampaignOnCluster.run(c, cluster, finished, sink, err);
            } else {
                r = c.run(finished, sink, n -> {
                    if (bar && (n % 10 == 0 || n == runs)) {
                        synchronized (err) {
                            err.printf("\r%d / %d scenarios", n, runs);
                            err.flush();
                        }
                    }
                });
                if (bar) {
                    err.print("\r" + " ".repeat(40) + "\r");
                    err.flush();
                }
            }
        }
        if (report != null) {
            CampaignHtmlReport.write(r, report);
        }
        if (json) {
            CampaignJson.print(out, r);
        } else {
            CampaignTextReport.print(out, r, campaignDir);
        }
        out.flush();
        return r.allExpected() ? 0 : 1;
    }

    static Path defaultDir() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm.resolve("sadump-campaign");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "sadump-campaign");
    }

    static List<Corruption> parseKinds(List<String> names) {
        if (names.isEmpty()) {
            return CorruptionCatalogue.kinds();
        }
        List<Corruption> list = new ArrayList<>();
        for (String n : names) {
            String k = n.trim().toLowerCase(Locale.ROOT);
            List<Corruption> add = switch (k) {
                case "all" -> CorruptionCatalogue.kinds();
                case "damaging" -> CorruptionCatalogue.damaging();
                case "controls" -> CorruptionCatalogue.controls();
                default -> List.of(Corruption.byName(k));
            };
            for (Corruption c : add) {
                if (!list.contains(c)) {
                    list.add(c);
                }
            }
        }
        return list;
    }
}
