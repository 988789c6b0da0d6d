package io.lamina.cache.internal;

import io.lamina.cache.internal.bus.BusMessage;
import io.lamina.cache.internal.bus.Coherence;
import io.lamina.cache.internal.replay.Intent;
import io.lamina.cache.internal.replay.ReplayQueue;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteTier;
import io.lamina.cache.spi.TagKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a replayed invalidation does, the same as the first attempt would have: Redis first (remove the key, or a new
 * version of the tag or of the cache's own tag), then this node (its L1 copy, its tag view) as if another node had
 * announced it, then the bus, so other nodes drop their L1 copies too.
 */
final class ReplayActions implements ReplayQueue.Actions {

    private final RemoteTier tier;
    private final TemplateContext context;
    private final Coherence.Handler local;
    private final Supplier<Coherence> bus;
    private final Supplier<Collection<String>> caches;

    ReplayActions(RemoteTier tier, TemplateContext context, Coherence.Handler local, Supplier<Coherence> bus,
            Supplier<Collection<String>> caches) {
        this.tier = tier;
        this.context = context;
        this.local = local;
        this.bus = bus;
        this.caches = caches;
    }

    @Override
    public CompletableFuture<Long> send(Intent intent) {
        try {
            return switch (intent.kind()) {
                case KEY -> tier.invalidate(new RemoteKey(context.namespace(), intent.cache(), intent.name()))
                        .toCompletableFuture().thenApply(v -> 0L);
                case TAG -> tier.invalidateTag(tagKey(intent.name()), context.tagTtl()).toCompletableFuture();
                case ALL -> tier.invalidateTag(tagKey(MissPath.cacheTag(intent.cache())), context.tagTtl()).toCompletableFuture();
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private TagKey tagKey(String tag) {
        return new TagKey(context.namespace(), context.keys().format(tag));
    }

    @Override
    public void applied(Intent intent, long version) {
        BusMessage message = switch (intent.kind()) {
            case KEY -> {
                // this node may have read the old entry back from Redis since the failed write: drop that copy too
                local.keys(intent.cache(), List.of(intent.name()));
                yield BusMessage.keys(context.nodeId(), intent.cache(), List.of(intent.name()));
            }
            case TAG -> {
                local.tags(List.of(intent.name()), new long[] {version});
                yield BusMessage.tags(context.nodeId(), List.of(intent.name()), new long[] {version});
            }
            case ALL -> {
                local.all(intent.cache(), version);
                yield BusMessage.all(context.nodeId(), intent.cache(), version);
            }
        };
        Coherence coherence = bus.get();
        if (coherence != null) {
            try {
                // a failed publish is counted and logged by the bus; other nodes then rely on their gap flush and L1 TTL cap
                coherence.publish(message).get(tier.operationTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // counted by the bus
            }
        }
    }

    @Override
    public Collection<String> caches() {
        return caches.get();
    }
}
