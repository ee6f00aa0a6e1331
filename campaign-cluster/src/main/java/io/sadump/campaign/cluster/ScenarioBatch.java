package io.sadump.campaign.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import io.sadump.campaign.FinishedScenario;
import io.sadump.campaign.Placement;
import io.sadump.campaign.ResultLine;
import io.sadump.campaign.Scenario;
import io.sadump.fixtures.Corruption;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A few scenarios of a campaign, named by index, sent by the driver to one worker. The worker draws each
 * scenario from the seed again (so only numbers cross the network), runs them one after the other on one of its
 * executor threads with its {@link WorkerState}'s node for these campaign parameters, and answers one
 * {@link ResultLine} per scenario, the same line a results file holds.
 *
 */
final class ScenarioBatch implements Callable<ArrayList<String>>, Serializable, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final long storageSize;
    private final ArrayList<String> kinds;
    private final String coreCollector;
    private final int[] indices;
    /** Per index, how many times the driver has handed it out (1 the first time). */
    private final int[] attempts;
    /** Set on the worker after deserialisation; never sent. */
    private transient HazelcastInstance hz;

    ScenarioBatch(long seed, long storageSize, List<String> kinds, String coreCollector, int[] indices,
            int[] attempts) {
        this.seed = seed;
        this.storageSize = storageSize;
        this.kinds = new ArrayList<>(kinds);
        this.coreCollector = coreCollector;
        this.indices = indices.clone();
        this.attempts = attempts.clone();
    }

    int[] indices() {
        return indices.clone();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.hz = instance;
    }

    @Override
    public ArrayList<String> call() throws Exception {
        if (hz == null || !(hz.getUserContext().get(WorkerState.KEY) instanceof WorkerState state)) {
            throw new IllegalStateException("a scenario batch reached a member that is not a campaign worker");
        }
        List<Corruption> kindList = kinds.stream().map(Corruption::byName).toList();
        String worker = ClusterSetup.name(hz);
        ArrayList<String> lines = new ArrayList<>(indices.length);
        for (int k = 0; k < indices.length; k++) {
            Scenario s = Scenario.draw(seed, indices[k], kindList, storageSize);
            FinishedScenario f = new FinishedScenario(state.node(storageSize, coreCollector).run(s),
                    Placement.here(worker, attempts[k]));
            lines.add(ResultLine.encode(f));
        }
        return lines;
    }
}
