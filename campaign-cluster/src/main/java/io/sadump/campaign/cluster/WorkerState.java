package io.sadump.campaign.cluster;

import io.sadump.campaign.CampaignNode;
import io.sadump.machine.CoreCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What a worker keeps between batches: its campaign directory and one {@link CampaignNode} per campaign
 * parameters (storage size, core collector), so the template is found or built once and every executor
 * thread keeps its machine directory from one scenario to the next. Reaches the batches through Hazelcast's
 * user context.
 */
final class WorkerState {
    static final String KEY = "sadump.campaign.worker";
    /** Machines of unexpected scenarios a worker keeps, per campaign parameters. */
    private static final int KEEP_UNEXPECTED = 5;

    private final Path campaignDir;
    private final Map<String, CampaignNode> nodes = new HashMap<>();

    WorkerState(Path campaignDir) {
        this.campaignDir = campaignDir;
    }

    Path campaignDir() {
        return campaignDir;
    }

    /** The node for these parameters; the first call builds (or finds) the template, the others wait for it. */
    synchronized CampaignNode node(long storageSize, String coreCollector) throws IOException {
        String key = storageSize + "|" + coreCollector;
        CampaignNode n = nodes.get(key);
        if (n == null) {
            n = CampaignNode.open(campaignDir, storageSize, CoreCollector.parse(coreCollector), KEEP_UNEXPECTED);
            nodes.put(key, n);
        }
        return n;
    }

    /** Removes the work directories. */
    synchronized void close() {
        for (CampaignNode n : nodes.values()) {
            try {
                n.close();
            } catch (IOException e) {
                // scratch space only; the next worker in this directory starts a fresh one
            }
        }
        nodes.clear();
    }
}
