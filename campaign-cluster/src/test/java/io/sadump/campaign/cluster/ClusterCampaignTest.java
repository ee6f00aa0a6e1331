package io.sadump.campaign.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.campaign.Campaign;
import io.sadump.campaign.CampaignHtmlReport;
import io.sadump.campaign.CampaignResult;
import io.sadump.campaign.FinishedScenario;
import io.sadump.campaign.Placement;
import io.sadump.campaign.ScenarioResult;
import io.sadump.fixtures.Corruption;
import io.sadump.fixtures.CorruptionCatalogue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real cluster: three worker JVMs on 127.0.0.1 started from this module's class path, the driver in this
 * JVM. One worker is killed with -9 in the middle of a campaign; the outcome must be the single-process
 * outcome of the same seed, every scenario exactly once, the killed worker's scenarios listed as retried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterCampaignTest {
    static final long SEED = 20261202L;
    static final int RUNS = 30;
    static final long STORAGE = 64L << 20;

    Path dir;
    Path config;
    final List<Process> workers = new ArrayList<>();
    final List<String> workerOutput = new CopyOnWriteArrayList<>();
    CampaignResult reference;

    @BeforeAll
    void startWorkers() throws Exception {
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "sadump-cluster-test-")
                : Files.createTempDirectory("sadump-cluster-test-");
        // the single-process reference also builds the template the workers find in the shared directory
        reference = campaign(1).run(n -> { });
        int base = freePorts(4);
        config = dir.resolve("cluster.properties");
        Files.writeString(config, "cluster-name=test-" + Long.toHexString(new SplittableRandom().nextLong()) + "\n"
                + "members=127.0.0.1:" + base + "-" + (base + 2) + "\n"
                + "port=" + base + "\nport-count=4\ninterface=127.0.0.1\nwait-for-workers=60\n");
        CountDownLatch up = new CountDownLatch(3);
        for (int w = 0; w < 3; w++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-XX:+UseSerialGC"));
            cmd.addAll(ClusterSetup.JVM_OPTIONS);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerLauncher.class.getName(),
                    config.toString(), dir.resolve("c").toString(), "1"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            workers.add(p);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        workerOutput.add(line);
                        if (line.startsWith("sadump campaign worker ") && line.endsWith(" up")) {
                            up.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the worker is gone
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
        assertThat(up.await(90, TimeUnit.SECONDS)).as("3 workers up; their output: %s", workerOutput).isTrue();
    }

    @AfterAll
    void stopWorkers() throws IOException {
        for (Process p : workers) {
            p.destroyForcibly();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Campaign campaign(int parallel) {
        List<Corruption> kinds = new ArrayList<>(CorruptionCatalogue.kinds());
        return Campaign.defaults(dir.resolve("c")).withSeed(SEED).withRuns(RUNS).withStorage(STORAGE)
                .withParallel(parallel).withKinds(kinds);
    }

    /** {@code n} consecutive ports nobody listens on, from a random base. */
    private static int freePorts(int n) throws IOException {
        SplittableRandom rnd = new SplittableRandom();
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = rnd.nextInt(20_000, 40_000);
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + n + " free consecutive ports found");
    }

    private static List<String> outcomes(CampaignResult r) {
        return r.results().stream().map(x -> x.scenario().index() + " " + x.scenario().id() + " " + x.outcome() + " "
                + x.verdictCode() + " " + x.problems() + " " + x.injection()).toList();
    }

    private static String body(CampaignResult r) {
        String html = CampaignHtmlReport.render(r);
        return html.substring(0, html.indexOf(CampaignHtmlReport.APPENDIX_MARK));
    }

    @Test
    @Order(1)
    void aWorkerKilledInTheMiddleLosesNoScenarioAndTheOutcomeIsTheSingleProcessOne() throws Exception {
        Process victim = workers.get(1);
        String[] victimName = new String[1];
        Map<Integer, Integer> sunk = new ConcurrentHashMap<>();
        List<String> notes = new CopyOnWriteArrayList<>();
        CampaignResult r = ClusterDriver.run(campaign(1), ClusterConfig.read(config), Map.of(), f -> {
            sunk.merge(f.index(), 1, Integer::sum);
            if (victimName[0] == null && f.placement().pid() == victim.pid()) {
                victimName[0] = f.placement().worker();
            }
            // kill when another worker answers: the victim was given its next batch after its last answer
            if (victim.isAlive() && victimName[0] != null && sunk.size() >= 8
                    && f.placement().pid() != victim.pid()) {
                victim.destroyForcibly();
            }
        }, new ClusterProgress() {
            @Override
            public void update(int done, int total, Map<String, Integer> perWorker, double rate) { }

            @Override
            public void note(String sentence) {
                notes.add(sentence);
            }
        });
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).as("the victim was killed").isTrue();
        assertThat(sunk).as("every scenario handed to the results once").hasSize(RUNS)
                .allSatisfy((i, n) -> assertThat(n).as("scenario %d", i).isEqualTo(1));
        assertThat(r.scenarios()).isEqualTo(RUNS);
        assertThat(outcomes(r)).isEqualTo(outcomes(reference));
        assertThat(body(r)).isEqualTo(body(reference));
        assertThat(r.allExpected()).as("unexpected: %s", r.unexpected()).isTrue();

        List<Placement> retried = r.placements().stream().filter(Placement::retried).toList();
        assertThat(retried).as("the victim's unfinished scenarios ran again; notes %s", notes).isNotEmpty()
                .allSatisfy(p -> assertThat(p.worker()).isNotEqualTo(victimName[0]));
        assertThat(notes).anyMatch(n -> n.contains(victimName[0] + " left the cluster"));
        Map<Long, Integer> perPid = new TreeMap<>();
        r.placements().forEach(p -> perPid.merge(p.pid(), 1, Integer::sum));
        assertThat(perPid.keySet()).as("scenarios ran in the workers, not in the driver")
                .doesNotContain(ProcessHandle.current().pid()).hasSizeBetween(2, 3);
        String appendix = CampaignHtmlReport.render(r);
        for (int i = 0; i < RUNS; i++) {
            if (r.placements().get(i).retried()) {
                assertThat(appendix.substring(appendix.indexOf(CampaignHtmlReport.APPENDIX_MARK)))
                        .contains(r.results().get(i).scenario().id());
            }
        }
    }

    @Test
    @Order(2)
    void aRestartedDriverRunsOnlyWhatTheFirstOneDidNotFinish() throws Exception {
        Map<Integer, FinishedScenario> before = new TreeMap<>();
        for (ScenarioResult x : reference.results()) {
            if (x.scenario().index() % 3 != 0) {
                before.put(x.scenario().index(), new FinishedScenario(x, Placement.here("earlier", 1).asResumed()));
            }
        }
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CampaignResult r = ClusterDriver.run(campaign(1), ClusterConfig.read(config), before,
                f -> ran.add(f.index()), new ClusterProgress() {
                    @Override
                    public void update(int done, int total, Map<String, Integer> perWorker, double rate) {
                        assertThat(done).isGreaterThanOrEqualTo(before.size());
                    }

                    @Override
                    public void note(String sentence) { }
                });
        assertThat(ran).as("only the scenarios the first driver had not finished")
                .containsExactlyInAnyOrderElementsOf(Stream.iterate(0, i -> i < RUNS, i -> i + 3).toList());
        assertThat(r.resumed()).isEqualTo(before.size());
        assertThat(outcomes(r)).isEqualTo(outcomes(reference));
        assertThat(body(r)).isEqualTo(body(reference));
    }

    @Test
    @Order(3)
    void aWorkerStoppedWithSigtermLeavesAndExitsZero() throws Exception {
        Process p = workers.get(2);
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("worker output: %s", workerOutput).isTrue();
        assertThat(p.exitValue()).as("worker output: %s", workerOutput).isZero();
    }
}
