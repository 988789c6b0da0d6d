package io.lamina.cache.internal.bus;

import io.lamina.cache.internal.remote.RateLimitedLog;
import io.lamina.cache.spi.InvalidationBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps this node's L1 coherent with the other nodes of its namespace.
 *
 * <p>Writes publish payload-free messages; messages from other nodes are handed to the {@link Handler};
 * this node's own are ignored. Pub/sub is at most once, so the subscription's health is tracked as a
 * small state machine:
 * <ul>
 *   <li><b>healthy</b>: messages flow. Every {@code checkInterval} the node publishes a heartbeat and
 *       expects to hear it back; hearing its own heartbeat proves the subscription works end to end.</li>
 *   <li>a disconnect or resubscription reported by the bus, or a heartbeat not heard back within three
 *       intervals, is a <b>gap</b>: the handler flushes L1 (and forgets tag versions) once, and the node
 *       asks the bus to resubscribe if the heartbeat was lost. A node starts in a gap.</li>
 *   <li>the first heartbeat heard after a gap ends it: the handler flushes once more, dropping whatever
 *       was cached while messages could be missed.</li>
 * </ul>
 * So L1 keeps serving during a Redis outage, and a lost message costs at most the gap plus the L1 TTL cap.
 */
public final class Coherence implements InvalidationBus.Listener, AutoCloseable {

    /** What the node does with what the bus says. Called from I/O threads; must not block. */
    public interface Handler {
        void keys(String cache, List<String> formattedKeys);

        void tags(List<String> tags, long[] versions);

        void all(String cache, long version);

        void flush(String reason);

        /**
         * Forgets the tag versions this node learned, keeping L1: a new disruption during a gap (the subscription lost
         * again, as when Redis restarts once more). The versions learned during the gap came from a Redis that may be
         * gone with its tag keys; a node writing entries that observed them would make them invalid for every node
         * that learned the new ones, until the gap's end. L1 needs no flush: the gap's end flushes it anyway.
         */
        default void forgetTags() {
        }
    }

    private final String nodeId;
    private final byte[] ownPrefix;
    private final String channel;
    private final InvalidationBus bus;
    private final Handler handler;
    private final long intervalNanos;
    private final ScheduledExecutorService timer;
    private final RateLimitedLog log = new RateLimitedLog();
    private final AtomicBoolean inGap = new AtomicBoolean(true);
    private final AtomicLong lastEcho = new AtomicLong(System.nanoTime());
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    /** Set once the subscription was healthy: from then on, the end of every gap is a reconnect. */
    private volatile boolean wasHealthy;
    private ScheduledFuture<?> task;

    public Coherence(String namespace, String nodeId, InvalidationBus bus, Handler handler, Duration checkInterval) {
        this.nodeId = nodeId;
        this.ownPrefix = BusMessage.originPrefix(nodeId);
        this.channel = namespace + ":bus";
        this.bus = bus;
        this.handler = handler;
        this.intervalNanos = checkInterval.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lamina-bus-" + namespace);
            t.setDaemon(true);
            return t;
        });
    }

    /** Subscribes and starts the liveness check. Never blocks on I/O. */
    public void start() {
        bus.subscribe(channel, this);
        task = timer.scheduleWithFixedDelay(this::check, 0, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** Publishes a message; completes when Redis took it (true) or did not (false: counted and logged); never fails. */
    public CompletableFuture<Boolean> publish(BusMessage message) {
        if (message.kind() != BusMessage.Kind.HEARTBEAT) {
            sent.increment();
        }
        CompletableFuture<Void> done;
        try {
            byte[] bytes = message.encode();
            done = (message.kind() == BusMessage.Kind.HEARTBEAT ? bus.heartbeat(channel, bytes) : bus.publish(channel, bytes))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        return done.handle((ok, e) -> {
            if (e == null) {
                return true;
            }
            if (message.kind() != BusMessage.Kind.HEARTBEAT) {
                failed.increment();
            }
            log.warn(message.kind() == BusMessage.Kind.HEARTBEAT ? "invalidation bus: publishing a heartbeat failed"
                    : "invalidation bus: publishing a " + message.kind() + " message failed; it is published again until the bus takes it", e);
            return false;
        });
    }

    @Override
    public void onMessage(byte[] bytes) {
        if (BusMessage.echoOf(bytes, ownPrefix)) {
            return;   // this node's own invalidation, back from the bus: nothing to do, nothing to decode
        }
        BusMessage message;
        try {
            message = BusMessage.decode(bytes);
        } catch (RuntimeException e) {
            log.warn("invalidation bus: ignored an unreadable message", e);
            return;
        }
        if (message.origin().equals(nodeId)) {
            if (message.kind() == BusMessage.Kind.HEARTBEAT) {
                lastEcho.set(System.nanoTime());
                if (inGap.compareAndSet(true, false)) {
                    if (wasHealthy) {
                        reconnects.increment();
                    }
                    wasHealthy = true;
                    flush("subscription healthy again");
                }
            }
            return;
        }
        if (message.kind() == BusMessage.Kind.HEARTBEAT) {
            return;
        }
        try {
            switch (message.kind()) {
                case KEYS -> handler.keys(message.cache(), message.names());
                case TAGS -> handler.tags(message.names(), message.versions());
                case ALL -> handler.all(message.cache(), message.versions()[0]);
                default -> { }
            }
        } catch (RuntimeException e) {
            // never into the bus's I/O thread: a message this node cannot apply is logged (rate-limited) and dropped
            log.warn("invalidation bus: applying a " + message.kind() + " message failed", e);
            return;
        }
        received.increment();   // after the handler: the count says what this node has applied
    }

    @Override
    public void onGap(String reason) {
        // already in a gap (at startup, or a resubscription after a lost heartbeat): the flush at its end drops
        // whatever was cached meanwhile, so one flush per gap start is enough; the tag versions learned since the gap
        // began are forgotten again, though (see Handler.forgetTags), once the node has had a healthy bus: the first
        // subscription of a node starting up is no disruption
        gapSignal(reason);
    }

    private void check() {
        try {
            long heard = lastEcho.get();
            long now = System.nanoTime();
            // compare-and-set: a heartbeat heard back between the read and now proves the subscription, keep it
            if (now - heard > 3 * intervalNanos && lastEcho.compareAndSet(heard, now)) {
                gapSignal("no heartbeat heard for " + Duration.ofNanos(3 * intervalNanos));
                bus.resubscribe();
            }
            publish(BusMessage.heartbeat(nodeId));
        } catch (RuntimeException e) {
            log.warn("invalidation bus: liveness check failed", e);
        }
    }

    /** A gap begins (flush), or, during one, a new disruption after a healthy bus (the tag versions are forgotten). */
    private void gapSignal(String reason) {
        if (inGap.compareAndSet(false, true)) {
            flush(reason);
        } else if (wasHealthy) {
            handler.forgetTags();
        }
    }

    private void flush(String reason) {
        flushes.increment();
        handler.flush(reason);
    }

    /** Whether messages flow now (no gap). */
    public boolean healthy() {
        return !inGap.get();
    }

    /** Invalidation messages published by this node (heartbeats not counted). */
    public long sent() {
        return sent.sum();
    }

    /**
     * The channel and bytes of {@code message} for a remote tier that publishes it in the same round trip as the write
     * it announces ({@link io.lamina.cache.spi.RemoteTier#invalidate(io.lamina.cache.spi.RemoteKey, String, byte[])});
     * report the outcome with {@link #publishedWithWrite}.
     */
    public Announcement announcement(BusMessage message) {
        return new Announcement(channel, message.encode());
    }

    /** A message published together with its write: counted as sent, and as failed when the write failed. */
    public void publishedWithWrite(boolean ok) {
        sent.increment();
        if (!ok) {
            failed.increment();   // logged as the failed write; the invalidation is replayed, and published again
        }
    }

    /** A bus message ready to be published by the remote tier: its channel and bytes. */
    public record Announcement(String channel, byte[] bytes) {
    }

    /** Invalidation messages received from other nodes and applied (heartbeats not counted). */
    public long received() {
        return received.sum();
    }

    /** Whole-L1 flushes: a gap began, or ended (the first healthy moment after startup included). */
    public long flushes() {
        return flushes.sum();
    }

    /** Invalidation messages that could not be published (heartbeats not counted). */
    public long failed() {
        return failed.sum();
    }

    /** Times the subscription became healthy again after a gap (not the first time, at startup). */
    public long reconnects() {
        return reconnects.sum();
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
        timer.shutdownNow();
    }
}
