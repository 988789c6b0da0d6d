package io.lamina.cache.internal;

import io.lamina.cache.internal.bus.BusMessage;
import io.lamina.cache.internal.bus.Coherence;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.load.Flight;
import io.lamina.cache.internal.replay.Intent;
import io.lamina.cache.internal.remote.RemoteAccess;
import io.lamina.cache.spi.CodecException;
import io.lamina.cache.spi.RemoteKey;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The write path of one named cache: {@code put} and {@code invalidate} change Redis first, then L1 (a
 * running load of the key is fenced inside the same {@code compute}); invalidations from other nodes drop
 * L1 copies and fence running loads. Publishing on the bus is the template's job, after these return.
 */
final class WritePath {

    private final NamedCache cache;
    private final RemoteAccess remote;
    private final GroupCommit group = new GroupCommit();

    WritePath(NamedCache cache, RemoteAccess remote) {
        this.cache = cache;
        this.remote = remote;
    }

    /** Stores {@code value} in L2 then L1; a running load of the key can no longer store its own result. */
    public void put(Object key, Object value, Duration ttl, Collection<String> tags) {
        String formatted = cache.context().keys().format(key);
        cache.stats().put();
        if (value == null && !cache.options().cacheNulls()) {
            if (remote != null) {
                send(List.of(formatted), null);   // the template publishes the put's message
            }
            dropAndFence(key, formatted);
            return;
        }
        Duration base = ttl != null ? ttl : value == null ? cache.options().nullTtl() : cache.options().ttl();
        long ttlNanos = cache.options().jitteredNanos(base);
        if (remote != null) {
            RemoteKey rk = new RemoteKey(cache.context().namespace(), cache.name(), formatted);
            byte[] bytes = null;
            try {
                bytes = putEnvelope(value, ttlNanos, tags, rk);
            } catch (CodecException e) {
                remote.unreadable("value put at " + rk + " (not stored remotely; the key is invalidated there)", e, cache.stats());
            }
            Duration l2Ttl = Duration.ofNanos(Durations.saturatedAdd(ttlNanos, Durations.toNanos(cache.options().failSafe())));
            byte[] stored = bytes;
            // a put Redis did not take is replayed as an invalidation of the key, never as the value
            remote.awaitWrite(remote.start(() -> stored != null ? remote.tier().put(rk, stored, l2Ttl) : remote.tier().invalidate(rk)),
                    Intent.key(cache.name(), formatted), new RemoteAccess.What("put of ", rk), cache.stats());
        }
        L1Entry entry = cache.options().l1Enabled() ? cache.entry(key, formatted, value, ttlNanos, tags, null, Long.MIN_VALUE) : null;
        cache.l1().map().compute(key, (k, current) -> {
            cache.fence(formatted);
            if (entry != null) {
                cache.l1().indexed(entry);
            }
            return entry;
        });
    }

    /**
     * {@link #put} of every entry with the cache's TTL: the remote writes go out together (one bulk call), then L1
     * with the same fencing as {@code put}. A null value is stored as the null sentinel (removed with
     * {@code cacheNulls} off).
     */
    public void putAll(java.util.Map<Object, Object> entries) {
        ResolvedOptions options = cache.options();
        List<Object> keys = new java.util.ArrayList<>(entries.size());
        List<String> formatted = new java.util.ArrayList<>(entries.size());
        List<Object> values = new java.util.ArrayList<>(entries.size());
        long[] ttlNanos = new long[entries.size()];
        int n = 0;
        for (java.util.Map.Entry<Object, Object> e : entries.entrySet()) {
            keys.add(e.getKey());
            formatted.add(cache.context().keys().format(e.getKey()));
            values.add(e.getValue());
            ttlNanos[n++] = options.jitteredNanos(e.getValue() == null ? options.nullTtl() : options.ttl());
            cache.stats().put();
        }
        if (remote != null) {
            List<String> all = cache.miss().withCacheTag(List.of());
            long[] versions = remote.await(cache.miss().tagVersions(all, cache.context().tags().sequence()), Duration.ZERO, null,
                    "versions of tags " + all, cache.stats());
            List<RemoteKey> rks = new java.util.ArrayList<>(n);
            List<byte[]> bytes = new java.util.ArrayList<>(n);
            List<Duration> ttls = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                RemoteKey rk = new RemoteKey(cache.context().namespace(), cache.name(), formatted.get(i));
                rks.add(rk);
                byte[] encoded = null;
                Object value = values.get(i);
                if (versions != null && (value != null || options.cacheNulls())) {
                    try {
                        encoded = cache.miss().stored(cache.miss().envelope(value, null, ttlNanos[i], all, versions), rk);
                    } catch (CodecException e) {
                        remote.unreadable("value put at " + rk + " (not stored remotely; the key is invalidated there)", e, cache.stats());
                    }
                }
                bytes.add(encoded);   // null: invalidated there, which fences running loads just the same
                ttls.add(Duration.ofNanos(Durations.saturatedAdd(ttlNanos[i], Durations.toNanos(options.failSafe()))));
            }
            boolean taken = remote.await(remote.start(() -> remote.tier().putAll(rks, bytes, ttls)).thenApply(v -> Boolean.TRUE),
                    Duration.ZERO, Boolean.FALSE, "put of " + n + " keys", cache.stats());
            for (String f : formatted) {
                // all or nothing as far as this node can tell: each key is replayed as an invalidation, never as the value
                if (taken) {
                    remote.replays().succeeded(Intent.key(cache.name(), f));
                } else {
                    remote.replays().failed(Intent.key(cache.name(), f));
                }
            }
        }
        for (int i = 0; i < n; i++) {
            Object value = values.get(i);
            String f = formatted.get(i);
            L1Entry entry = options.l1Enabled() && (value != null || options.cacheNulls())
                    ? cache.entry(keys.get(i), f, value, ttlNanos[i], List.of(), null, Long.MIN_VALUE) : null;
            cache.l1().map().compute(keys.get(i), (k, current) -> {
                cache.fence(f);
                if (entry != null) {
                    cache.l1().indexed(entry);
                }
                return entry;
            });
        }
    }

    /**
     * The envelope of a put: its tags' versions are this JVM's view, or Redis's when unknown (created
     * now if Redis has none). Blocks on the remote tier for unknown tags only.
     */
    private byte[] putEnvelope(Object value, long ttlNanos, Collection<String> tags, RemoteKey rk) {
        List<String> all = cache.miss().withCacheTag(tags);
        long[] versions = remote.await(cache.miss().tagVersions(all, cache.context().tags().sequence()), Duration.ZERO, null,
                "versions of tags " + all, cache.stats());
        if (versions == null) {
            throw new CodecException("tag versions unavailable");
        }
        return cache.miss().stored(cache.miss().envelope(value, null, ttlNanos, all, versions), rk);
    }

    /**
     * Removes {@code key} from L2 then L1; a running load of it can no longer store its result. With a {@code bus}, the
     * remote tier publishes the invalidation message after the removal, in the same round trip. Invalidations of the
     * cache that overlap in time are sent together ({@link GroupCommit}): one script per slot group and one message for
     * all their keys. Every caller passes the same {@code bus} (the template's, or null when there is none).
     */
    public void invalidate(Object key, Coherence bus) {
        String formatted = cache.context().keys().format(key);
        if (remote != null) {
            group.invalidate(formatted, keys -> send(keys, bus));
        }
        dropAndFence(key, formatted);
    }

    /**
     * Removes these keys (distinct string forms, each with the key it was made from) from L2 then L1, like
     * {@link #invalidate} each, with the removals sent together: {@link BusMessage#MAX_NAMES} keys at a time, each
     * slice one script per slot group and, with a {@code bus}, one message.
     */
    public void invalidateKeys(java.util.Map<String, Object> keys, Coherence bus) {
        if (remote != null) {
            List<String> all = new java.util.ArrayList<>(keys.keySet());
            for (int from = 0; from < all.size(); from += BusMessage.MAX_NAMES) {
                send(all.subList(from, Math.min(all.size(), from + BusMessage.MAX_NAMES)), bus);
            }
        }
        keys.forEach((formatted, key) -> dropAndFence(key, formatted));
    }

    /**
     * Removes {@code formatted} keys from Redis, with their message on {@code bus} if any, published by the tier after
     * the removal; waits for it (bounded) and tells the replay queue and the bus's counters how it went. Never throws.
     */
    private boolean send(List<String> formatted, Coherence bus) {
        List<RemoteKey> rks = new java.util.ArrayList<>(formatted.size());
        for (String f : formatted) {
            rks.add(new RemoteKey(cache.context().namespace(), cache.name(), f));
        }
        Coherence.Announcement message = bus == null ? null
                : bus.announcement(BusMessage.keys(cache.context().nodeId(), cache.name(), List.copyOf(formatted)));
        RemoteKey first = rks.get(0);
        CompletableFuture<Void> call = remote.start(() -> remove(remote.tier(), rks, message));
        boolean taken = remote.await(call.thenApply(v -> Boolean.TRUE), Duration.ZERO, Boolean.FALSE,
                rks.size() > 1 ? "invalidate of " + rks.size() + " keys of cache " + cache.name() : new RemoteAccess.What("invalidate of ", first),
                cache.stats());
        for (String f : formatted) {
            if (taken) {
                remote.replays().succeeded(Intent.key(cache.name(), f));
            } else {
                remote.replays().failed(Intent.key(cache.name(), f));
            }
        }
        if (message != null) {
            bus.publishedWithWrite(taken);   // failed: the keys are replayed, and announced again
        }
        return taken;
    }

    /**
     * The removal of {@code keys} with {@code message} (or none) published after it in the same round trip: one key's
     * own script, or the bulk one (a script per server or slot group, the message from the last).
     */
    static java.util.concurrent.CompletionStage<Void> remove(io.lamina.cache.spi.RemoteTier tier, List<RemoteKey> keys,
            Coherence.Announcement message) {
        if (keys.size() > 1) {
            return tier.invalidateAll(keys, message == null ? null : message.channel(), message == null ? null : message.bytes());
        }
        return message == null ? tier.invalidate(keys.get(0)) : tier.invalidate(keys.get(0), message.channel(), message.bytes());
    }

    private void dropAndFence(Object key, String formatted) {
        cache.l1().map().compute(key, (k, current) -> {
            cache.fence(formatted);
            return null;
        });
    }

    /**
     * Another node wrote these keys (named by their string form): drop their L1 copies and fence their
     * running loads, so an L2 read that was in flight cannot install the old value. The fence comes first, and counts
     * even when nothing of the key is here yet: a page read of {@code rememberAll} has no flight to fence, and checks
     * the count again after its L1 fill ({@link NamedCache#fillAfterRead}); a fill that checked before it is dropped
     * below, since it is in the index by then.
     */
    public void invalidateFromBus(List<String> formattedKeys) {
        for (String formatted : formattedKeys) {
            Flight running = cache.flights().get(formatted);
            Flight refreshing = cache.refreshes().get(formatted);
            cache.fence(formatted);
            if (running != null) {
                dropAndFence(running.key(), formatted);
            }
            if (refreshing != null) {
                dropAndFence(refreshing.key(), formatted);
            }
            L1Entry cached = cache.l1().byFormatted(formatted);
            if (cached != null) {
                dropAndFence(cached.key(), formatted);
            }
        }
    }

}
