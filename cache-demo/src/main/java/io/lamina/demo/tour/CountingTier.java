package io.lamina.demo.tour;

import io.lamina.cache.BreakerState;
import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.InvalidationBus;
import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.spi.TagKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's Redis tier, counting the calls the cache makes into it: on one Redis each call is one round trip (a
 * command, a script or an MGET; a bulk call on a Cluster is one per slot group). Lock calls (take, release) count
 * too. Everything else is the tier's own behaviour.
 */
final class CountingTier implements RemoteTier {

    private final RemoteTier tier;
    private final LongAdder calls = new LongAdder();
    private final DistributedLock lock;

    CountingTier(RemoteTier tier) {
        this.tier = tier;
        DistributedLock inner = tier.lock();
        this.lock = (key, wait, lease) -> {
            calls.increment();
            return inner.tryLock(key, wait, lease).thenApply(handle -> new DistributedLock.Handle() {
                @Override
                public boolean acquired() {
                    return handle.acquired();
                }

                @Override
                public boolean waited() {
                    return handle.waited();
                }

                @Override
                public CompletionStage<Void> unlock() {
                    if (handle.acquired()) {
                        calls.increment();
                    }
                    return handle.unlock();
                }
            });
        };
    }

    /** Calls into the tier so far. */
    long calls() {
        return calls.sum();
    }

    private <T> T counted(T stage) {
        calls.increment();
        return stage;
    }

    @Override
    public CompletionStage<byte[]> get(RemoteKey key) {
        return counted(tier.get(key));
    }

    @Override
    public CompletionStage<LeaseResult> getOrLease(RemoteKey key, String token, Duration leaseTtl, boolean onlyIfFree) {
        return counted(tier.getOrLease(key, token, leaseTtl, onlyIfFree));
    }

    @Override
    public CompletionStage<LeaseResult> readOrLease(RemoteKey key, String token, Duration leaseTtl) {
        return counted(tier.readOrLease(key, token, leaseTtl));
    }

    @Override
    public CompletionStage<Boolean> fill(RemoteKey key, String token, byte[] value, Duration ttl) {
        return counted(tier.fill(key, token, value, ttl));
    }

    @Override
    public CompletionStage<Void> put(RemoteKey key, byte[] value, Duration ttl) {
        return counted(tier.put(key, value, ttl));
    }

    @Override
    public CompletionStage<Void> invalidate(RemoteKey key) {
        return counted(tier.invalidate(key));
    }

    // every method with a default is forwarded too: the defaults are for tiers that lack the feature, and a wrapper
    // that left them out would hide it (without releaseLease, every lease given back was held for lockLease, 30 s, and
    // other nodes' misses of the key waited for it: the avalanche step failed)

    @Override
    public CompletionStage<Void> invalidate(RemoteKey key, String channel, byte[] message) {
        return counted(tier.invalidate(key, channel, message));
    }

    @Override
    public CompletionStage<Void> releaseLease(RemoteKey key, String token) {
        return counted(tier.releaseLease(key, token));
    }

    @Override
    public boolean isStarting() {
        return tier.isStarting();
    }

    @Override
    public BreakerState lockBreakerState() {
        return tier.lockBreakerState();
    }

    @Override
    public java.util.Map<String, BreakerState> breakerStates() {
        return tier.breakerStates();
    }

    @Override
    public java.util.Map<String, Long> events() {
        return tier.events();
    }

    @Override
    public CompletionStage<Long> invalidateTag(TagKey tag, Duration ttl) {
        return counted(tier.invalidateTag(tag, ttl));
    }

    @Override
    public CompletionStage<Long> tagVersion(TagKey tag) {
        return counted(tier.tagVersion(tag));
    }

    @Override
    public CompletionStage<Long> ensureTag(TagKey tag, long stamp, Duration ttl) {
        return counted(tier.ensureTag(tag, stamp, ttl));
    }

    @Override
    public CompletionStage<List<byte[]>> getAll(List<RemoteKey> keys) {
        return counted(tier.getAll(keys));
    }

    @Override
    public CompletionStage<List<LeaseResult>> leaseAll(List<RemoteKey> keys, List<String> tokens, Duration leaseTtl) {
        return counted(tier.leaseAll(keys, tokens, leaseTtl));
    }

    @Override
    public CompletionStage<List<Boolean>> fillAll(List<RemoteKey> keys, List<String> tokens, List<byte[]> values, List<Duration> ttls) {
        return counted(tier.fillAll(keys, tokens, values, ttls));
    }

    @Override
    public CompletionStage<Void> putAll(List<RemoteKey> keys, List<byte[]> values, List<Duration> ttls) {
        return counted(tier.putAll(keys, values, ttls));
    }

    @Override
    public CompletionStage<Void> invalidateAll(List<RemoteKey> keys, String channel, byte[] message) {
        return counted(tier.invalidateAll(keys, channel, message));
    }

    @Override
    public InvalidationBus bus() {
        return tier.bus();
    }

    @Override
    public DistributedLock lock() {
        return lock;
    }

    @Override
    public boolean isAvailable() {
        return tier.isAvailable();
    }

    @Override
    public BreakerState breakerState() {
        return tier.breakerState();
    }

    @Override
    public Duration lockLease() {
        return tier.lockLease();
    }

    @Override
    public Duration operationTimeout() {
        return tier.operationTimeout();
    }

    @Override
    public void close() {
        tier.close();
    }
}
