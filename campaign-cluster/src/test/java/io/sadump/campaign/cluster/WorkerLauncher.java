package io.sadump.campaign.cluster;

import java.nio.file.Path;

/**
 * {@code WorkerLauncher CONFIG DIR PARALLEL}: a worker JVM without the CLI, for the cluster tests; like
 * {@code sadump campaign worker}, it leaves the cluster and exits 0 on SIGTERM.
 */
public final class WorkerLauncher {
    private WorkerLauncher() {}

    public static void main(String[] args) throws Exception {
        ClusterWorker w = ClusterWorker.start(ClusterConfig.read(Path.of(args[0])), Path.of(args[1]),
                Integer.parseInt(args[2]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                w.stop();
            } finally {
                Runtime.getRuntime().halt(0);
            }
        }));
        System.out.println("sadump campaign worker " + w.name() + " up");
        w.awaitStop();
    }
}
