package io.sadump.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sadump campaign worker CONFIG}: one worker of a campaign cluster (see {@link CampaignOnCluster}). */
@Command(
        name = "worker",
        header = "Serve a campaign cluster: run the scenarios that drivers send.",
        mixinStandardHelpOptions = true,
        description = {
            "Join the Hazelcast cluster that CONFIG names and run the scenarios that",
            "'sadump campaign --cluster CONFIG' drivers hand out, P at a time, each in a",
            "copy of the template built (or found) once in DIR. A worker serves one",
            "campaign after another until it gets SIGTERM (or Ctrl-C): then it leaves the",
            "cluster, the driver runs what it had elsewhere, and it exits with status 0.",
            "A worker that is killed (kill -9, a lost host) loses no scenario either: the",
            "driver notices within seconds and hands its scenarios to another worker.",
            "",
            "CONFIG is a properties file (the driver reads the same one):",
            "  cluster-name=sadump-campaign      # default; members of other names are ignored",
            "  members=127.0.0.1:5701-5703       # host:port or host:first-last, comma separated",
            "  port=5701                         # where this member listens (default 5701) ...",
            "  port-count=100                    # ... or the next free of this many (default 100)",
            "  interface=127.0.0.1               # listen only there (default: every interface)",
            "  wait-for-workers=60               # driver: seconds to wait for a first worker",
            "Members find each other from the list only: no multicast, no phone-home.",
        },
        footer = {
            "",
            "Examples:",
            "  sadump campaign worker cluster.properties",
            "  sadump campaign worker cluster.properties --parallel 2 --dir /dev/shm/campaign-worker",
            "  sadump campaign --cluster cluster.properties --runs 100000 --results /var/tmp/c7 --seed 7",
        })
final class CampaignWorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The cluster's properties file (see above).")
    Path config;

    @Option(names = "--dir", paramLabel = "DIR", description = "Campaign directory of this worker: templates, scratch "
            + "machines, kept machines (default: as for 'sadump campaign').")
    Path dir;

    @Option(names = "--parallel", paramLabel = "P", description = "Scenarios run at once (default: the number of "
            + "cores).")
    Integer parallel;

    @Override
    public Integer call() throws Exception {
        int p = parallel == null ? Runtime.getRuntime().availableProcessors() : parallel;
        if (p < 1) {
            throw new UsageException("--parallel must be at least 1, not " + p);
        }
        CampaignOnCluster.serve(config, dir != null ? dir : CampaignCommand.defaultDir(), p,
                spec.commandLine().getErr());
        return 0;
    }
}
