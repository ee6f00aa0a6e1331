/**
 * Campaigns on a Hazelcast cluster: the driver (a lite member that hands out scenarios by index, collects
 * their results and re-queues those of a worker that left) and the worker (a member that runs them on its own
 * cores); only {@code sadump campaign --cluster} and {@code sadump campaign worker} load it. See
 * docs/cluster.md.
 */
package io.sadump.campaign.cluster;
