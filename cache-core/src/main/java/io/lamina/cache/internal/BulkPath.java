package io.lamina.cache.internal;

import io.lamina.cache.CacheException;
import io.lamina.cache.CacheLoadTimeoutException;
import io.lamina.cache.CacheLoaderException;
import io.lamina.cache.CacheLockTimeoutException;
import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.internal.MissPath.Decoded;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.load.BulkContextImpl;
import io.lamina.cache.internal.load.Failures;
import io.lamina.cache.internal.load.Flight;
import io.lamina.cache.internal.load.LoadContextImpl;
import io.lamina.cache.internal.remote.RemoteAccess;
import io.lamina.cache.spi.CodecException;
import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The miss of {@code rememberAll}: the keys L1 did not have, in bulk, with every per-key promise of {@code remember}.
 *
 * <ol>
 *   <li>Each key gets its own flight in the cache's flight map, so {@code remember} callers of the key (and other bulk
 *       callers) join this load; a key already in flight is joined instead of loaded.</li>
 *   <li>One bulk read of L2 ({@link io.lamina.cache.spi.RemoteTier#getAll}); valid, fresh entries are served.</li>
 *   <li>The rest are claimed in bulk with their fill leases, only if free ({@code leaseAll}): never one lock per key.
 *       The lease, not the Redisson lock, decides who loads, exactly as on the single-key path (a single-key loader
 *       that holds the lock still takes the lease only if free, and waits when a bulk load holds it).</li>
 *   <li>One loader call for the leased keys (and the local-only ones while the remote tier is unusable); the values
 *       go to L2 in one fenced bulk fill (a key written meanwhile lost its lease and is not stored), then to L1
 *       through the same fenced install as {@code remember}.</li>
 *   <li>Keys whose lease another caller holds are polled in L2 (bulk reads) until its value is there or
 *       {@code lockWait} has passed, then the lock-timeout policy applies to those keys. Waiting only starts after
 *       this call's own keys are stored, so two bulk callers that hold each other's keys never wait on each other.</li>
 * </ol>
 */
final class BulkPath {

    private static final AtomicLong TOKENS = new AtomicLong();
    private static final long NOT_WAITED = Long.MIN_VALUE;
    private static final long RECLAIMED = Long.MIN_VALUE + 1;

    private final NamedCache cache;
    private final RemoteAccess remote;
    private final FailSafe failSafe;
    private final String tokenPrefix;

    BulkPath(NamedCache cache, RemoteAccess remote, FailSafe failSafe, String nodeId) {
        this.cache = cache;
        this.remote = remote;
        this.failSafe = failSafe;
        this.tokenPrefix = nodeId + ":b";
    }

    /** The caller's bulk loader, with or without a context. */
    @FunctionalInterface
    interface Invoker {
        Map<?, ?> load(Set<Object> missing, BulkContextImpl context) throws Exception;
    }

    /** One key this call leads. */
    private static final class Item {
        final String formatted;
        final Object key;
        final Flight flight;
        final RemoteKey rk;
        boolean remoteUsable;
        boolean leased;
        String token;
        long stamp;
        Envelope stale;
        // set when the value is stored
        Object value;
        long ttlNanos;
        List<String> tags;
        LoadContextImpl ctx;

        Item(String formatted, Object key, Flight flight, RemoteKey rk) {
            this.formatted = formatted;
            this.key = key;
            this.flight = flight;
            this.rk = rk;
        }
    }

    /**
     * Loads the L1 misses of a bulk call: {@code misses} maps each key's string form to the caller's key object.
     * Returns each key's value by string form ({@link L1Entry#NULL} for null).
     */
    Map<String, Object> load(Map<String, Object> misses, Type type, Class<?> raw, Invoker loader) {
        Thread me = Thread.currentThread();
        Map<String, Object> out = new HashMap<>();
        List<Item> registered = new ArrayList<>();
        List<Item> pending = new ArrayList<>();
        Map<String, Flight> joined = new LinkedHashMap<>();
        Map<String, Long> joinedAt = new HashMap<>();
        try {
            for (Map.Entry<String, Object> e : misses.entrySet()) {
                String formatted = e.getKey();
                Object key = e.getValue();
                Flight flight = new Flight(key, me, cache.context().tags().sequence(), cache.generation());
                Flight running = cache.flights().putIfAbsent(formatted, flight);
                if (running != null) {
                    if (running.ownedBy(me)) {
                        throw new IllegalStateException("recursive load: the loader of key " + key + " in cache '" + cache.name()
                                + "' asked for the same key");
                    }
                    joined.put(formatted, running);
                    joinedAt.put(formatted, cache.context().tags().sequence());
                    continue;
                }
                Item item = new Item(formatted, key, flight, new RemoteKey(cache.context().namespace(), cache.name(), formatted));
                registered.add(item);
                L1Entry filled = cache.freshL1(key, raw);
                if (filled != null) {
                    // a flight finished between the caller's L1 miss and this one starting
                    cache.stats().l1Hit(filled.value() == L1Entry.NULL);
                    flight.future().complete(filled.value());
                    out.put(formatted, filled.value());
                } else {
                    pending.add(item);
                }
            }
            if (!pending.isEmpty()) {
                lead(pending, type, raw, loader, out);
            }
        } catch (RuntimeException | Error failure) {
            for (Item item : registered) {
                item.flight.future().completeExceptionally(failure);
            }
            throw failure;
        } finally {
            for (Item item : registered) {
                cache.flights().remove(item.formatted, item.flight);
            }
        }
        for (Map.Entry<String, Flight> e : joined.entrySet()) {
            out.put(e.getKey(), join(e.getKey(), misses.get(e.getKey()), e.getValue(), joinedAt.get(e.getKey()), type, raw, loader));
        }
        return out;
    }

    /** A key another caller is loading: its result, its stale value if it failed, or a new load if it went tag-stale. */
    private Object join(String formatted, Object key, Flight running, long joinedAt, Type type, Class<?> raw, Invoker loader) {
        cache.stats().miss();
        Object result;
        try {
            result = running.future().get();
        } catch (InterruptedException e) {
            throw Failures.interrupted(cache.name(), key, e);
        } catch (ExecutionException e) {
            Object stale = running.stale();
            if (stale == null) {
                throw Failures.propagate(e.getCause(), cache.name(), key);
            }
            cache.stats().staleServed();
            return stale;
        }
        if (running.staleFor(joinedAt)) {
            Object again = cache.load(key, type, raw, null, single(loader, key, formatted));
            return again == null ? L1Entry.NULL : again;
        }
        return result;
    }

    /** The bulk loader as the loader of one key (a refresh, a retry after a tag-stale flight). */
    io.lamina.cache.ContextLoader<Object> single(Invoker loader, Object key, String formatted) {
        return ctx -> {
            Map<String, LoadContextImpl> one = Map.of(formatted, (LoadContextImpl) ctx);
            Map<?, ?> loaded = loader.load(Collections.singleton(key), new BulkContextImpl(cache.name(), cache.context().keys(), one));
            if (loaded == null) {
                throw new CacheLoaderException("the bulk loader of cache '" + cache.name() + "' returned null instead of a map", null);
            }
            for (Map.Entry<?, ?> e : loaded.entrySet()) {
                if (e.getKey() != null && formatted.equals(formatOrNull(e.getKey()))) {
                    return e.getValue();
                }
            }
            return null;
        };
    }

    private void lead(List<Item> items, Type type, Class<?> raw, Invoker loader, Map<String, Object> out) {
        long start = cache.context().clock().nanoTime();
        List<Item> toLoad = new ArrayList<>();
        List<Item> waiting = new ArrayList<>();
        if (remote == null) {
            toLoad.addAll(items);
        } else {
            CompletableFuture<Void> cacheTag = cache.miss().ensureCacheTag();
            List<byte[]> found = await(remote.start(() -> remote.tier().getAll(keysOf(items))), "bulk read of " + items.size() + " keys");
            await(cacheTag, "cache tag");
            List<Item> cold = new ArrayList<>();
            if (found == null) {
                toLoad.addAll(items);
            } else {
                serveValid(items, found, type, raw, out, cold, NOT_WAITED);
            }
            if (!cold.isEmpty()) {
                claim(cold, type, raw, out, toLoad, waiting);
            }
        }
        for (int i = 0; i < toLoad.size() + waiting.size(); i++) {
            cache.stats().miss();
        }
        if (!toLoad.isEmpty()) {
            loadAndStore(toLoad, type, raw, loader, out);
        }
        if (!waiting.isEmpty()) {
            awaitHolders(waiting, start, type, raw, loader, out);
        }
    }

    /**
     * Serves the items whose bytes decode to a fresh entry with current tags (L2 hits, filling L1); the others go to
     * {@code rest}, each with its stale entry when fail-safe may use it. With {@code waited} a hit ends a lock wait.
     */
    private void serveValid(List<Item> items, List<byte[]> found, Type type, Class<?> raw, Map<String, Object> out, List<Item> rest,
            long waitStart) {
        List<Decoded> decoded = new ArrayList<>(items.size());
        List<CompletableFuture<Boolean>> checks = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Decoded d = cache.miss().decode(found.get(i), type, raw, items.get(i).rk);
            decoded.add(d);
            checks.add(d == null ? CompletableFuture.completedFuture(false) : cache.miss().validTags(d.envelope()));
        }
        long now = cache.context().clock().currentTimeMillis();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            Decoded d = decoded.get(i);
            CompletableFuture<Boolean> check = checks.get(i);
            // the description is built only for a check still running: RemoteKey.toString hashes the key
            boolean valid = d != null && Boolean.TRUE.equals(check.isDone() && !check.isCompletedExceptionally() ? check.join()
                    : await(check, "tags of " + item.rk));
            if (valid && d.envelope().freshAt(now)) {
                if (waitStart == RECLAIMED) {
                    // already counted as a miss and a lock timeout: found while re-claiming after the wait
                } else if (waitStart != NOT_WAITED) {
                    cache.stats().lockWaited(true, cache.context().clock().nanoTime() - waitStart);
                } else {
                    cache.stats().l2Hit(d.value() == L1Entry.NULL);
                }
                cache.fillFromRemote(item.flight, item.key, item.formatted, d.value(), d.envelope());
                item.flight.future().complete(d.value());
                out.put(item.formatted, d.value());
            } else {
                if (valid) {
                    item.stale = d.envelope();
                }
                rest.add(item);
            }
        }
    }

    /** Takes the fill leases of {@code cold} in bulk, only if free: leased keys are to load, the others to wait for. */
    private void claim(List<Item> cold, Type type, Class<?> raw, Map<String, Object> out, List<Item> toLoad, List<Item> waiting) {
        claim(cold, type, raw, out, toLoad, waiting, NOT_WAITED);
    }

    private void claim(List<Item> cold, Type type, Class<?> raw, Map<String, Object> out, List<Item> toLoad, List<Item> waiting,
            long counting) {
        List<String> tokens = new ArrayList<>(cold.size());
        for (int i = 0; i < cold.size(); i++) {
            tokens.add(tokenPrefix + TOKENS.incrementAndGet());
        }
        Duration leaseTtl = remote.tier().lockLease();
        List<LeaseResult> leases = await(remote.start(() -> remote.tier().leaseAll(keysOf(cold), tokens, leaseTtl)),
                "bulk lease of " + cold.size() + " keys");
        if (leases == null) {
            toLoad.addAll(cold);
            return;
        }
        List<byte[]> values = new ArrayList<>(cold.size());
        for (LeaseResult lease : leases) {
            values.add(lease.value());
        }
        List<Item> rest = new ArrayList<>();
        Set<Item> notServed = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        // an entry stored since the bulk read is served (its lease, if taken, runs out as on the single-key path)
        serveValid(cold, values, type, raw, out, rest, counting);
        notServed.addAll(rest);
        for (int i = 0; i < cold.size(); i++) {
            Item item = cold.get(i);
            if (!notServed.contains(item)) {
                continue;
            }
            LeaseResult lease = leases.get(i);
            item.remoteUsable = true;
            cache.context().tags().remoteTime(lease.stamp());
            if (lease.leased()) {
                item.leased = true;
                item.token = tokens.get(i);
                item.stamp = lease.stamp();
                item.flight.stamp(lease.stamp());
                toLoad.add(item);
            } else {
                waiting.add(item);
            }
        }
    }

    /**
     * Keys another caller holds the lease of: re-read in bulk every {@link MissPath#LEASE_POLL} until their values are
     * there or {@code lockWait} has passed; then the lock-timeout policy: fail, serve stale, or load them here (stored
     * only where the lease is free by then).
     */
    private void awaitHolders(List<Item> waiting, long start, Type type, Class<?> raw, Invoker loader, Map<String, Object> out) {
        ResolvedOptions options = cache.options();
        long deadline = start + options.lockWait().toNanos();
        List<Item> left = waiting;
        while (!left.isEmpty() && cache.context().clock().nanoTime() - deadline < 0) {
            pause(Math.min(MissPath.LEASE_POLL.toNanos(), Math.max(1, deadline - cache.context().clock().nanoTime())));
            List<Item> current = left;
            List<byte[]> found = await(remote.start(() -> remote.tier().getAll(keysOf(current))), "bulk read of " + current.size() + " keys");
            if (found != null) {
                List<Item> rest = new ArrayList<>();
                serveValid(current, found, type, raw, out, rest, start);
                left = rest;
            }
        }
        if (left.isEmpty()) {
            return;
        }
        long waited = cache.context().clock().nanoTime() - start;
        for (int i = 0; i < left.size(); i++) {
            cache.stats().lockWaited(false, waited);
        }
        if (options.onLockTimeout() == LockTimeoutPolicy.FAIL) {
            throw new CacheLockTimeoutException(left.size() + " keys of cache '" + cache.name()
                    + "' are being loaded by another node; gave up after lockWait " + options.lockWait());
        }
        List<Item> toLoad = new ArrayList<>();
        for (Item item : left) {
            Object stale = options.onLockTimeout() == LockTimeoutPolicy.STALE && item.stale != null
                    ? cache.miss().staleValue(item.stale, type, raw, item.rk) : null;
            if (stale != null) {
                item.flight.future().complete(stale);
                out.put(item.formatted, stale);
            } else {
                toLoad.add(item);
            }
        }
        if (toLoad.isEmpty()) {
            return;
        }
        List<Item> again = new ArrayList<>();
        List<Item> stillHeld = new ArrayList<>();
        claim(toLoad, type, raw, out, again, stillHeld, RECLAIMED);
        again.addAll(stillHeld);   // loaded here, not stored: their holder's lease still stands
        if (!again.isEmpty()) {
            loadAndStore(again, type, raw, loader, out);
        }
    }

    /** One loader call for {@code items}; then the fenced bulk store, or the failure (fail-safe per key). */
    private void loadAndStore(List<Item> items, Type type, Class<?> raw, Invoker loader, Map<String, Object> out) {
        Map<String, LoadContextImpl> contexts = new LinkedHashMap<>();
        Set<Object> asked = new LinkedHashSet<>();
        for (Item item : items) {
            item.ctx = new LoadContextImpl(cache.name(), item.key, cache.context().maxTagsPerEntry());
            contexts.put(item.formatted, item.ctx);
            asked.add(item.key);
        }
        BulkContextImpl context = new BulkContextImpl(cache.name(), cache.context().keys(), contexts);
        Set<Object> missing = Collections.unmodifiableSet(asked);
        long start = cache.context().clock().nanoTime();
        Map<?, ?> loaded;
        try {
            loaded = call(loader, missing, context);
            if (loaded == null) {
                throw new CacheLoaderException("the bulk loader of cache '" + cache.name() + "' returned null instead of a map", null);
            }
        } catch (Throwable failure) {
            long took = cache.context().clock().nanoTime() - start;
            for (Item item : items) {
                item.ctx.close();
                cache.stats().loadFailure(took);
                giveBack(item);
            }
            failed(items, Failures.unwrap(failure), type, raw, out);
            return;
        }
        long took = cache.context().clock().nanoTime() - start;
        Map<String, Object> values = new HashMap<>();
        int unasked = 0;
        for (Map.Entry<?, ?> e : loaded.entrySet()) {
            String formatted = e.getKey() == null ? null : formatOrNull(e.getKey());
            if (formatted == null || !contexts.containsKey(formatted)) {
                unasked++;
            } else {
                values.putIfAbsent(formatted, e.getValue());
            }
        }
        if (unasked > 0) {
            cache.stats().unaskedKeys(unasked);
        }
        for (Item item : items) {
            item.ctx.close();
            cache.stats().loadSuccess(took);
        }
        store(items, values, type, out);
    }

    private Map<?, ?> call(Invoker loader, Set<Object> missing, BulkContextImpl context) throws Exception {
        Duration hard = cache.options().hardTimeout();
        if (hard == null) {
            return loader.load(missing, context);
        }
        CompletableFuture<Map<?, ?>> running = CompletableFuture.supplyAsync(() -> {
            try {
                return loader.load(missing, context);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, cache.context().loaders());
        try {
            return running.get(hard.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Failures.interrupted(cache.name(), missing.size() + " keys", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new CacheException("bulk load failed", e.getCause());
        } catch (TimeoutException e) {
            cache.stats().loadTimeout();
            throw new CacheLoadTimeoutException("the bulk load of " + missing.size() + " keys in cache '" + cache.name()
                    + "' took longer than hardTimeout " + hard + "; its result will not be cached");
        }
    }

    /**
     * A failed load: when fail-safe has a stale value for every key, those are served (and stand in for the
     * throttle); otherwise the failure reaches the caller and every caller waiting for one of the keys.
     */
    private void failed(List<Item> items, Throwable failure, Type type, Class<?> raw, Map<String, Object> out) {
        List<Object> stale = new ArrayList<>(items.size());
        boolean all = failure instanceof Exception;
        for (Item item : items) {
            Object s = failure instanceof Exception ? failSafe.staleFor(item.key, type, raw, item.stale, item.rk) : null;
            stale.add(s);
            all &= s != null;
        }
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (stale.get(i) != null) {
                item.flight.stale(stale.get(i));
            }
            item.flight.future().completeExceptionally(failure);
            if (all) {
                out.put(item.formatted, failSafe.serveStale(item.flight, item.key, item.formatted, stale.get(i)));
            }
        }
        if (!all) {
            throw Failures.propagate(failure, cache.name(), "(bulk load of " + items.size() + " keys)");
        }
    }

    /** Stores the loaded values: L2 in one fenced bulk fill for the leased keys, then L1; completes every flight. */
    private void store(List<Item> items, Map<String, Object> values, Type type, Map<String, Object> out) {
        ResolvedOptions options = cache.options();
        List<Item> fills = new ArrayList<>();
        for (Item item : items) {
            Object value = values.get(item.formatted);
            item.value = value;
            if ((value == null && !options.cacheNulls()) || !item.ctx.cacheable()) {
                giveBack(item);
                done(item, false, out);
                continue;
            }
            Duration ttl = item.ctx.ttlOverride() != null ? item.ctx.ttlOverride() : value == null ? options.nullTtl() : options.ttl();
            item.ttlNanos = options.jitteredNanos(ttl);
            if (!item.remoteUsable) {
                done(item, true, out);
            } else if (!item.leased) {
                done(item, false, out);
            } else {
                item.tags = cache.miss().withCacheTag(item.ctx.tagSet());
                fills.add(item);
            }
        }
        if (fills.isEmpty()) {
            return;
        }
        Set<String> union = new LinkedHashSet<>();
        long minStamp = Long.MAX_VALUE;
        for (Item item : fills) {
            union.addAll(item.tags);
            minStamp = Math.min(minStamp, item.stamp);
        }
        List<String> allTags = new ArrayList<>(union);
        // a tag created now is created at the earliest stamp of the batch, so it is current for every key of it
        long[] versions = await(cache.miss().tagVersions(allTags, minStamp), "tag versions");
        if (versions == null) {
            for (Item item : fills) {
                giveBack(item);
                done(item, false, out);
            }
            return;
        }
        Map<String, Long> versionOf = new HashMap<>();
        for (int i = 0; i < allTags.size(); i++) {
            versionOf.put(allTags.get(i), versions[i]);
        }
        List<Item> sent = new ArrayList<>();
        List<RemoteKey> keys = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        List<Duration> ttls = new ArrayList<>();
        for (Item item : fills) {
            long[] mine = new long[item.tags.size()];
            boolean staleOnArrival = false;
            for (int i = 0; i < mine.length; i++) {
                mine[i] = versionOf.get(item.tags.get(i));
                // a tag of this value was invalidated while it loaded: stored nowhere
                staleOnArrival |= mine[i] > item.stamp;
            }
            if (staleOnArrival) {
                giveBack(item);
                done(item, false, out);
                continue;
            }
            try {
                bytes.add(cache.miss().stored(cache.miss().envelope(item.value, type, item.ttlNanos, item.tags, mine), item.rk));
            } catch (CodecException e) {
                remote.unreadable("value of " + item.rk + " (not stored)", e, cache.stats());
                giveBack(item);
                done(item, false, out);
                continue;
            }
            sent.add(item);
            keys.add(item.rk);
            tokens.add(item.token);
            ttls.add(Duration.ofNanos(Durations.saturatedAdd(item.ttlNanos, Durations.toNanos(options.failSafe()))));
        }
        if (sent.isEmpty()) {
            return;
        }
        List<Boolean> stored = await(remote.start(() -> remote.tier().fillAll(keys, tokens, bytes, ttls)), "bulk fill of " + sent.size() + " keys");
        for (int i = 0; i < sent.size(); i++) {
            if (stored == null) {
                giveBack(sent.get(i));   // the fill may not have run
            }
            // a failed fill leaves L1 filled, as on the single-key path; a lost lease (the key was written) does not
            done(sent.get(i), stored == null || Boolean.TRUE.equals(stored.get(i)), out);
        }
    }

    /**
     * Gives a key's fill lease back when this batch will not fill it (a loader failure, a value not cached or not
     * encodable, a stale-on-arrival value, a failed fill), so the next miss of the key on any node does not wait
     * {@code lockWait} for it. Failures are ignored: the lease expires.
     */
    private void giveBack(Item item) {
        if (item.leased && item.token != null && remote != null) {
            String token = item.token;
            item.leased = false;
            remote.start(() -> remote.tier().releaseLease(item.rk, token)).exceptionally(e -> null);
        }
    }

    private void done(Item item, boolean fillL1, Map<String, Object> out) {
        if (fillL1) {
            cache.fill(item.flight, item.key, item.formatted, item.value, item.ttlNanos, item.ctx.tagSet());
        } else {
            item.flight.markTagStale();
        }
        Object stored = item.value == null ? L1Entry.NULL : item.value;
        item.flight.future().complete(stored);
        out.put(item.formatted, stored);
    }

    private String formatOrNull(Object key) {
        try {
            return cache.context().keys().format(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<RemoteKey> keysOf(List<Item> items) {
        List<RemoteKey> keys = new ArrayList<>(items.size());
        for (Item item : items) {
            keys.add(item.rk);
        }
        return keys;
    }

    /** Waits for a remote step, bounded by the tier's timeout; a failure is counted and logged and yields null. */
    private <T> T await(CompletableFuture<T> future, String what) {
        if (future.isDone() && !future.isCompletedExceptionally()) {
            return future.join();
        }
        return remote.await(future, Duration.ZERO, null, what, cache.stats());
    }

    private void pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            throw Failures.interrupted(cache.name(), "(bulk load)", e);
        }
    }
}
