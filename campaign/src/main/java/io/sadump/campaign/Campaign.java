package io.sadump.campaign;

import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import io.sadump.machine.CoreCollector;
import io.sadump.machine.InvalidValueException;
import io.sadump.machine.MachineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A corruption-injection campaign: {@code runs} scenarios drawn by {@code seed} from {@code kinds}, each a
 * fresh copy of the {@link CampaignTemplate} of {@code storageSize} with one injection, run through the HMC
 * load and checked ({@link ScenarioRunner}). Scenarios run on {@code parallel} threads; each thread has one
 * machine directory under {@code campaignDir/work}, restored to the template before each scenario (a copy
 * the first time). The results do not depend on the number of threads.
 *
 * @param campaignDir where the template is cached and scenarios run
 * @param keepUnexpected how many machines of unexpected scenarios to keep in {@code campaignDir/kept}
 * @param coreCollector the kdump kernel's core collector in every scenario: the whole ELF vmcore ({@link
 *     CoreCollector#COPY}, the default) or makedumpfile, whose kdump-compressed vmcore is read back page by
 *     page against what its dump level keeps
 */
public record Campaign(Path campaignDir, long storageSize, int runs, long seed, List<Corruption> kinds,
        int parallel, int keepUnexpected, CoreCollector coreCollector) {
    public static final int DEFAULT_RUNS = 100;
    public static final long DEFAULT_SEED = 1;
    public static final long DEFAULT_STORAGE = 64L << 20;

    public Campaign {
        Objects.requireNonNull(campaignDir, "campaignDir");
        Objects.requireNonNull(coreCollector, "coreCollector");
        kinds = List.copyOf(kinds);
        if (runs < 1) {
            throw new InvalidValueException("a campaign runs at least 1 scenario, not " + runs);
        }
        if (parallel < 1) {
            throw new InvalidValueException("--parallel must be at least 1, not " + parallel);
        }
        if (kinds.isEmpty()) {
            throw new InvalidValueException("a campaign needs at least one injection kind");
        }
        if (keepUnexpected < 0) {
            throw new IllegalArgumentException("keepUnexpected must not be negative");
        }
    }

    /** Every kind of the catalogue, the available cores, 64 MiB systems. */
    public static Campaign defaults(Path campaignDir) {
        return new Campaign(campaignDir, DEFAULT_STORAGE, DEFAULT_RUNS, DEFAULT_SEED, CorruptionCatalogue.kinds(),
                Math.max(1, Runtime.getRuntime().availableProcessors()), 5, CoreCollector.COPY);
    }

    public Campaign withRuns(int n) {
        return new Campaign(campaignDir, storageSize, n, seed, kinds, parallel, keepUnexpected, coreCollector);
    }

    public Campaign withSeed(long s) {
        return new Campaign(campaignDir, storageSize, runs, s, kinds, parallel, keepUnexpected, coreCollector);
    }

    public Campaign withKinds(List<Corruption> k) {
        return new Campaign(campaignDir, storageSize, runs, seed, k, parallel, keepUnexpected, coreCollector);
    }

    public Campaign withStorage(long size) {
        return new Campaign(campaignDir, size, runs, seed, kinds, parallel, keepUnexpected, coreCollector);
    }

    public Campaign withParallel(int p) {
        return new Campaign(campaignDir, storageSize, runs, seed, kinds, p, keepUnexpected, coreCollector);
    }

    /** The same campaign with the kdump kernel's core collector {@code c}. */
    public Campaign withCoreCollector(CoreCollector c) {
        return new Campaign(campaignDir, storageSize, runs, seed, kinds, parallel, keepUnexpected, c);
    }

    /** The scenarios this campaign runs, in order. */
    public List<Scenario> scenarios() {
        List<Scenario> list = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
            list.add(Scenario.draw(seed, i, kinds, storageSize));
        }
        return list;
    }

    /** Runs the campaign; {@code progress} gets the number of finished scenarios after each one. */
    public CampaignResult run(IntConsumer progress) throws IOException {
        return run(Map.of(), f -> { }, progress);
    }

    /**
     * Runs the scenarios of this campaign not in {@code finished} (those an earlier driver ran, read back from
     * its {@link ResultsFile}); each one is handed to {@code sink} as it finishes (from the worker thread: the
     * sink must be thread-safe), and {@code progress} gets the number finished so far, {@code finished}
     * included. The result holds every scenario, in index order.
     */
    public CampaignResult run(Map<Integer, FinishedScenario> finished, ScenarioSink sink, IntConsumer progress)
            throws IOException {
        List<Scenario> scenarios = scenarios();
        FinishedScenario[] results = new FinishedScenario[scenarios.size()];
        finished.forEach((i, f) -> {
            if (i < results.length) {
                results[i] = f;
            }
        });
        AtomicInteger done = new AtomicInteger((int) java.util.Arrays.stream(results).filter(Objects::nonNull).count());
        if (done.get() == results.length) {
            return CampaignResult.of(this, List.of(results), Duration.ZERO, Duration.ZERO);
        }
        CampaignNode node = CampaignNode.open(campaignDir, storageSize, coreCollector, keepUnexpected);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "campaign-scenario");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Scenario s : scenarios) {
                if (results[s.index()] != null) {
                    continue;
                }
                futures.add(pool.submit(() -> {
                    FinishedScenario f = new FinishedScenario(node.run(s), Placement.here(Placement.LOCAL, 1));
                    sink.accept(f);
                    results[s.index()] = f;
                    progress.accept(done.incrementAndGet());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the campaign was interrupted", e);
        } catch (ExecutionException e) {
            // the worker's own exception, so a full disk stays an I/O failure and a bug stays a bug
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new IOException("a scenario failed: " + io.getMessage(), io);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a scenario worker failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        node.close();
        return CampaignResult.of(this, List.of(results), elapsed, node.templateBuild());
    }

    /** Where finished scenarios go as they finish (a {@link ResultsFile}, a progress display). */
    @FunctionalInterface
    public interface ScenarioSink {
        void accept(FinishedScenario f) throws IOException;
    }

    /** Runs one scenario alone (a replay), keeping its machine in {@code campaignDir/kept} when unexpected. */
    public static ScenarioResult replay(Path campaignDir, Scenario scenario) throws IOException {
        return replay(campaignDir, scenario, CoreCollector.COPY);
    }

    /** {@link #replay(Path, Scenario)} with the kdump kernel's core collector {@code collector}. */
    public static ScenarioResult replay(Path campaignDir, Scenario scenario, CoreCollector collector)
            throws IOException {
        CampaignTemplate template = CampaignTemplate.ensure(campaignDir, scenario.storageSize());
        ScenarioRunner runner = new ScenarioRunner(template, collector);
        Path work = campaignDir.resolve("work").resolve("replay-" + ProcessHandle.current().pid());
        CampaignTemplate.deleteTree(work);
        Files.createDirectories(work);
        Path dir = work.resolve("s");
        ScenarioResult r = runner.run(scenario, dir);
        if (!r.expected()) {
            keepAt(campaignDir, dir, scenario);
        }
        CampaignTemplate.deleteTree(work);
        return r;
    }

    static void keepAt(Path campaignDir, Path dir, Scenario s) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path target = campaignDir.resolve("kept").resolve(s.id().replace(':', '_'));
        try {
            CampaignTemplate.deleteTree(target);
            Files.createDirectories(target.getParent());
            Files.move(dir, target);
        } catch (IOException e) {
            throw new MachineException("cannot keep the machine of scenario " + s.id() + " in " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /** Where the machine of an unexpected scenario is kept. */
    public static Path keptMachine(Path campaignDir, Scenario s) {
        return campaignDir.resolve("kept").resolve(s.id().replace(':', '_'));
    }
}
