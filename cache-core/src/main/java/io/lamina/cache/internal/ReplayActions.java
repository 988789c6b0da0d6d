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
 * What a replayed invalidation does, the same as the first attempt would have: Redis first (remove the key with its bus
 * message in one round trip, or a new version of the tag or of the cache's own tag), then this node (its L1 copy, its tag
 * view) as if another node had announced it, then the bus for a tag or cache, so other nodes drop their L1 copies too. A
 * message the bus did not take keeps the intent queued: it is announced again, at the same version.
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
        if (intent.announceOnly()) {
            return CompletableFuture.completedFuture(intent.version());   // Redis took it; only the bus message is left
        }
        try {
            return switch (intent.kind()) {
                case KEY -> removeAndAnnounce(intent.cache(), List.of(intent.name())).thenApply(v -> 0L);
                case TAG -> tier.invalidateTag(tagKey(intent.name()), context.tagTtl()).toCompletableFuture();
                case ALL -> tier.invalidateTag(tagKey(MissPath.cacheTag(intent.cache())), context.tagTtl()).toCompletableFuture();
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Keys of one cache as a first {@code invalidateAll(cache, keys)} does it: removed together, with one message. */
    @Override
    public CompletableFuture<Void> sendKeys(String cache, List<Intent> keys) {
        try {
            List<String> names = new java.util.ArrayList<>(keys.size());
            for (Intent key : keys) {
                names.add(key.name());
            }
            return removeAndAnnounce(cache, names);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Keys as their first attempt removes them: the removal and its bus message in one round trip (a script per server
     * or slot group, the message from the last), taken or failed together.
     */
    private CompletableFuture<Void> removeAndAnnounce(String cache, List<String> names) {
        List<RemoteKey> rks = new java.util.ArrayList<>(names.size());
        for (String name : names) {
            rks.add(new RemoteKey(context.namespace(), cache, name));
        }
        Coherence coherence = bus.get();
        Coherence.Announcement message = coherence == null ? null
                : coherence.announcement(BusMessage.keys(context.nodeId(), cache, names));
        return WritePath.remove(tier, rks, message).toCompletableFuture().thenApply(v -> {
            if (coherence != null) {
                coherence.publishedWithWrite(true);
            }
            return null;
        });
    }

    private TagKey tagKey(String tag) {
        return new TagKey(context.namespace(), context.keys().format(tag));
    }

    @Override
    public boolean applied(Intent intent, long version) {
        BusMessage message = switch (intent.kind()) {
            case KEY -> {
                // this node may have read the old entry back from Redis since the failed write: drop that copy too; the
                // message went out with the removal, unless Redis had taken the write and only its message is left
                local.keys(intent.cache(), List.of(intent.name()));
                yield intent.announceOnly() ? BusMessage.keys(context.nodeId(), intent.cache(), List.of(intent.name())) : null;
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
        if (message == null || coherence == null) {
            return true;
        }
        try {
            // a failed publish is counted and logged by the bus, and the intent announced again on the next round
            return coherence.publish(message).get(tier.operationTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public Collection<String> caches() {
        return caches.get();
    }
}
