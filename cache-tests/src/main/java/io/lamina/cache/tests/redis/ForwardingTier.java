package io.lamina.cache.tests.redis;

import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.InvalidationBus;
import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.spi.TagKey;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A remote tier that forwards the methods every tier must implement to another one, and leaves every method with a
 * default (the bulk ones, {@code isStarting}, the breaker and event details) to the SPI's default: tests subclass it to
 * change one behaviour of a real Redis tier, or use it as it is for a tier that implements only the single-key methods.
 */
public class ForwardingTier implements RemoteTier {

    protected final RemoteTier tier;

    public ForwardingTier(RemoteTier tier) {
        this.tier = tier;
    }

    @Override
    public CompletionStage<byte[]> get(RemoteKey key) {
        return tier.get(key);
    }

    @Override
    public CompletionStage<LeaseResult> getOrLease(RemoteKey key, String token, Duration leaseTtl, boolean onlyIfFree) {
        return tier.getOrLease(key, token, leaseTtl, onlyIfFree);
    }

    @Override
    public CompletionStage<Boolean> fill(RemoteKey key, String token, byte[] value, Duration ttl) {
        return tier.fill(key, token, value, ttl);
    }

    @Override
    public CompletionStage<Void> put(RemoteKey key, byte[] value, Duration ttl) {
        return tier.put(key, value, ttl);
    }

    @Override
    public CompletionStage<Void> invalidate(RemoteKey key) {
        return tier.invalidate(key);
    }

    @Override
    public CompletionStage<Long> invalidateTag(TagKey tag, Duration ttl) {
        return tier.invalidateTag(tag, ttl);
    }

    @Override
    public CompletionStage<Long> tagVersion(TagKey tag) {
        return tier.tagVersion(tag);
    }

    @Override
    public CompletionStage<Long> ensureTag(TagKey tag, long stamp, Duration ttl) {
        return tier.ensureTag(tag, stamp, ttl);
    }

    @Override
    public InvalidationBus bus() {
        return tier.bus();
    }

    @Override
    public DistributedLock lock() {
        return tier.lock();
    }

    @Override
    public boolean isAvailable() {
        return tier.isAvailable();
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
