package io.lamina.cache.spi;

import java.util.concurrent.CompletionStage;

/**
 * Carries payload-free invalidation messages between the nodes of one namespace (Redis pub/sub in
 * {@code cache-redis}). Delivery is at most once: a message published while a node is disconnected is
 * lost to it, so an implementation must report every moment it may have missed messages through
 * {@link Listener#onGap}, and the node then drops its L1 copies. Implementations must be thread-safe.
 */
public interface InvalidationBus {

    /**
     * Starts delivering the messages published on {@code channel} to {@code listener}, and keeps doing so
     * across reconnects (reporting each disconnect and each resubscription as a gap). Never blocks on I/O.
     */
    void subscribe(String channel, Listener listener);

    /** Publishes {@code message} to every subscriber of {@code channel}, this node included. */
    CompletionStage<Void> publish(String channel, byte[] message);

    /**
     * Publishes a liveness heartbeat: like {@link #publish}, but it must travel the way messages travel to
     * subscribers and must never be refused by a circuit breaker (a refused heartbeat fakes a gap in the bus),
     * and it is not an invalidation to recover after a failover. The default publishes it.
     */
    default CompletionStage<Void> heartbeat(String channel, byte[] message) {
        return publish(channel, message);
    }

    /** Drops the subscription and subscribes again (after a liveness check failed). Never blocks. */
    void resubscribe();

    /** Receives messages and gaps; called from I/O threads, so it must not block. */
    interface Listener {

        /** A message some node published (this node's own included). */
        void onMessage(byte[] message);

        /** Messages may have been missed (disconnected, resubscribed): cached copies can no longer be trusted. */
        void onGap(String reason);
    }
}
