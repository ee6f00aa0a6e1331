package io.sadump.campaign;

import io.sadump.machine.CoreCollector;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of a campaign that runs in one JVM: the template (built once, or found in {@code campaignDir}),
 * the {@link ScenarioRunner}, and one machine directory per thread under {@code campaignDir/work/run-PID-N},
 * restored to the template before each scenario. A campaign in one process has one; each cluster worker has
 * one per set of campaign parameters (storage size, core collector). Thread-safe.
 */
public final class CampaignNode implements Closeable {
    private static final AtomicInteger NODES = new AtomicInteger();

    private final Path campaignDir;
    private final ScenarioRunner runner;
    private final Duration templateBuild;
    private final Path work;
    private final int keepUnexpected;
    private final AtomicInteger kept = new AtomicInteger();
    private final AtomicInteger threads = new AtomicInteger();
    private final ThreadLocal<Path> threadDir;

    private CampaignNode(Path campaignDir, ScenarioRunner runner, Duration templateBuild, Path work,
            int keepUnexpected) {
        this.campaignDir = campaignDir;
        this.runner = runner;
        this.templateBuild = templateBuild;
        this.work = work;
        this.keepUnexpected = keepUnexpected;
        this.threadDir = ThreadLocal.withInitial(() -> work.resolve("w" + threads.getAndIncrement()));
    }

    /**
     * Finds or builds the template of {@code storageSize} in {@code campaignDir} and makes a fresh work
     * directory.
     *
     * @param keepUnexpected how many machines of unexpected scenarios to keep in {@code campaignDir/kept}
     */
    public static CampaignNode open(Path campaignDir, long storageSize, CoreCollector collector, int keepUnexpected)
            throws IOException {
        long t0 = System.nanoTime();
        CampaignTemplate template = CampaignTemplate.ensure(campaignDir, storageSize);
        ScenarioRunner runner = new ScenarioRunner(template, collector);
        Duration build = template.wasBuilt() ? Duration.ofNanos(System.nanoTime() - t0) : Duration.ZERO;
        // the PID and a counter: several processes (cluster workers on one host) share a campaign directory
        Path work = campaignDir.resolve("work").resolve("run-" + ProcessHandle.current().pid() + "-"
                + NODES.getAndIncrement());
        CampaignTemplate.deleteTree(work);
        Files.createDirectories(work);
        return new CampaignNode(campaignDir, runner, build, work, keepUnexpected);
    }

    /** Time spent building the template; zero when it was cached. */
    public Duration templateBuild() {
        return templateBuild;
    }

    /** Runs {@code s} in this thread's machine directory; keeps the machine when unexpected (up to the limit). */
    public ScenarioResult run(Scenario s) {
        Path dir = threadDir.get();
        ScenarioResult r = runner.run(s, dir);
        if (!r.expected() && kept.getAndIncrement() < keepUnexpected) {
            Campaign.keepAt(campaignDir, dir, s);
        }
        return r;
    }

    /** Removes the work directory. */
    @Override
    public void close() throws IOException {
        CampaignTemplate.deleteTree(work);
    }
}
