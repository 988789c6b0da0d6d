package io.lamina.cache.redis.internal;

/** The shape of the Redis deployment a tier talks to. */
public enum Topology {
    /** One Redis (possibly with replicas Lamina does not use). */
    STANDALONE,
    /** A primary and replicas managed by Redis Sentinel; the tier follows the primary Sentinel names. */
    SENTINEL,
    /** A Redis Cluster: keys spread over shards by hash slot. */
    CLUSTER
}
