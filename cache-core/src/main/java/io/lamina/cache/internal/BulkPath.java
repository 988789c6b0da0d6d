package io.lamina.cache.internal;

import io.lamina.cache.AsyncLoader;
import io.lamina.cache.CacheException;
import io.lamina.cache.CacheLoaderException;
import io.lamina.cache.CacheLockTimeoutException;
import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.internal.MissPath.Decoded;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.load.BulkContextImpl;
import io.lamina.cache.internal.load.Failures;
import io.lamina.cache.internal.load.Flight;
import io.lamina.cache.internal.load.Handoff;
import io.lamina.cache.internal.load.LoadContextImpl;
import io.lamina.cache.internal.load.LoadingKeys;
import io.lamina.cache.internal.remote.RemoteAccess;
import io.lamina.cache.spi.CodecException;
import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

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
 *
 * <p>Every step is a stage: no thread is held while Redis answers, another node holds a lease or another caller
 * loads a key. Where the steps and the loader run is the caller's {@link Steps}: for {@code rememberAll}, on the
 * calling thread (a {@link io.lamina.cache.internal.load.Mailbox}); for {@code rememberAllAsync} (and a synchronous
 * call under a timeout), the loader on the loader pool and every other step as a task of the template's executor,
 * never on a Redis client's I/O thread. Timeouts and fail-safe of the whole call: {@link FailSafe#guardAll}.
 */
final class BulkPath {

    private static final AtomicLong TOKENS = new AtomicLong();
    private static final long NOT_WAITED = Long.MIN_VALUE;
    private static final long RECLAIMED = Long.MIN_VALUE + 1;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

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

    /**
     * Where a call's steps run: {@code handoff} runs each step that follows a stage completed elsewhere;
     * {@code loaders} runs the loader (null: on the thread of the step that calls it, the caller's for a synchronous
     * call); {@code owner} is the thread whose flights these are (a loader of one of them asking for it again fails
     * fast), null for an asynchronous call; {@code parent} the loads that asked for this one on the caller's thread.
     */
    record Steps(Handoff handoff, Executor loaders, Thread owner, LoadingKeys.Frame parent) {
    }

    /** One call: what it was asked, where its steps run, and the values found so far, by string form. */
    private static final class Call {
        final Type type;
        final Class<?> raw;
        final Invoker loader;
        final Steps steps;
        final Map<String, Object> out;

        Call(Type type, Class<?> raw, Invoker loader, Steps steps, int keys) {
            this.out = new ConcurrentHashMap<>(keys);   // sized once: growing it cost a page of 100 keys ~10 % of its time
            this.type = type;
            this.raw = raw;
            this.loader = loader;
            this.steps = steps;
        }
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

    /** What a bulk claim decided: the keys to load here, and those another caller holds the lease of. */
    private record Split(List<Item> toLoad, List<Item> waiting) {
    }

    /**
     * Loads the L1 misses of a bulk call: {@code misses} maps each key's string form to the caller's key object.
     * Completes with each key's value by string form ({@link L1Entry#NULL} for null). The flight of every key, led
     * or joined, is put in {@code flights} before this returns (for the call's timeouts and fail-safe).
     *
     * @throws IllegalStateException when a key is being loaded by {@code steps.owner()} itself (a recursive load)
     */
    CompletableFuture<Map<String, Object>> load(Map<String, Object> misses, Type type, Class<?> raw, Invoker loader, Steps steps,
            Map<String, Flight> flights) {
        return load(misses, type, raw, loader, steps, flights, null, new Call(type, raw, loader, steps, misses.size()));
    }

    /**
     * {@link #load}, but the page is read from Redis first, before any key gets its in-flight entry: the keys found there
     * fresh, with current tags, are served at once (their L1 fill fenced by {@link NamedCache#fillAfterRead}); only the
     * others are registered and claimed, without reading them again. An L2-resident page then costs one MGET and none of
     * the per-key bookkeeping of a load (a flight, its map entries, its completion). Concurrent callers of a key being
     * read this way each read it: a read is cheap, and loads stay single-flight.
     */
    CompletableFuture<Map<String, Object>> loadReadFirst(Map<String, Object> misses, Type type, Class<?> raw, Invoker loader,
            Steps steps, Map<String, Flight> flights) {
        Call call = new Call(type, raw, loader, steps, misses.size());
        if (remote == null || misses.isEmpty()) {
            return load(misses, type, raw, loader, steps, flights, null, call);
        }
        long fences = cache.fences();
        long generation = cache.generation();
        long sequence = cache.context().tags().sequence();
        int size = misses.size();
        String[] formatted = new String[size];
        Object[] given = new Object[size];
        List<RemoteKey> keys = new ArrayList<>(size);
        int n = 0;
        for (Map.Entry<String, Object> e : misses.entrySet()) {
            formatted[n] = e.getKey();
            given[n++] = e.getValue();
            keys.add(new RemoteKey(cache.context().namespace(), cache.name(), e.getKey()));
        }
        CompletableFuture<Void> cacheTag = cache.miss().ensureCacheTag();
        CompletableFuture<List<byte[]>> read = soft(remote.start(() -> remote.tier().getAll(keys)), "bulk read of " + keys.size() + " keys");
        if (!cacheTag.isDone()) {
            read = read.thenCombine(cacheTag, (found, ignored) -> found);
        }
        return then(call, read, found -> {
            if (found == null) {
                return load(misses, type, raw, loader, steps, flights, null, call);   // the read failed: as without it
            }
            // each entry and its value side by side (null: no usable entry)
            Envelope[] entries = new Envelope[found.size()];
            Object[] values = new Object[found.size()];
            CompletableFuture<Boolean>[] checks = checks(found.size());
            boolean checked = true;
            for (int i = 0; i < entries.length; i++) {
                Envelope entry = cache.miss().parse(found.get(i), keys.get(i));
                values[i] = entry == null ? null : cache.miss().valueOf(entry, type, raw, keys.get(i));
                entries[i] = values[i] == null ? null : entry;
                checks[i] = entries[i] == null ? NOT_VALID : cache.miss().validTags(entries[i]);
                checked &= checks[i].isDone();
            }
            // the common case, every tag known here: the checks are answered, no stage waits for them
            CompletableFuture<Void> allChecked = checked ? DONE : CompletableFuture.allOf(checks);
            return then(call, allChecked, ignored -> {
                long now = cache.context().clock().currentTimeMillis();
                Map<String, Object> rest = null;
                Map<String, Envelope> stale = null;
                int hits = 0;
                int nullHits = 0;
                for (int i = 0; i < entries.length; i++) {
                    Envelope entry = entries[i];
                    String f = formatted[i];
                    boolean valid = entry != null && Boolean.TRUE.equals(checks[i].join());
                    if (valid && entry.freshAt(now)) {
                        hits++;
                        if (values[i] == L1Entry.NULL) {
                            nullHits++;
                        }
                        cache.fillAfterRead(given[i], f, values[i], entry, fences, generation, sequence);
                    } else {
                        values[i] = null;   // not served
                        if (rest == null) {
                            rest = new LinkedHashMap<>();
                            stale = new HashMap<>();
                        }
                        rest.put(f, given[i]);
                        if (valid) {
                            stale.put(f, entry);
                        }
                    }
                }
                cache.stats().l2Hits(hits, nullHits);   // counted per key, added once per page
                if (rest == null) {
                    // the whole page: its arrays are the result, without a map entry per key
                    return CompletableFuture.completedFuture(new ServedPage(misses, formatted, given, values));
                }
                for (int i = 0; i < entries.length; i++) {
                    if (values[i] != null) {
                        call.out.put(formatted[i], values[i]);
                    }
                }
                return load(rest, type, raw, loader, steps, flights, stale, call);
            });
        });
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Boolean>[] checks(int size) {
        return (CompletableFuture<Boolean>[]) new CompletableFuture<?>[size];
    }

    private static final CompletableFuture<Boolean> NOT_VALID = CompletableFuture.completedFuture(false);

    /**
     * @param alreadyRead null, or the page was read from Redis already: the keys are claimed without reading them again,
     *                    each with its stale entry from that read (those without one are absent)
     */
    private CompletableFuture<Map<String, Object>> load(Map<String, Object> misses, Type type, Class<?> raw, Invoker loader,
            Steps steps, Map<String, Flight> flights, Map<String, Envelope> alreadyRead, Call call) {
        List<Item> registered = new ArrayList<>();
        List<Item> pending = new ArrayList<>();
        Map<String, Flight> joined = new LinkedHashMap<>();
        Map<String, Long> joinedAt = new HashMap<>();
        try {
            for (Map.Entry<String, Object> e : misses.entrySet()) {
                String formatted = e.getKey();
                Object key = e.getValue();
                Flight flight = new Flight(key, steps.owner(), cache.context().tags().sequence(), cache.generation());
                Flight running = cache.flights().putIfAbsent(formatted, flight);
                if (running != null) {
                    if (steps.owner() != null && running.ownedBy(steps.owner())) {
                        throw new IllegalStateException("recursive load: the loader of key " + key + " in cache '" + cache.name()
                                + "' asked for the same key");
                    }
                    joined.put(formatted, running);
                    joinedAt.put(formatted, cache.context().tags().sequence());
                    flights.put(formatted, running);
                    continue;
                }
                Item item = new Item(formatted, key, flight, new RemoteKey(cache.context().namespace(), cache.name(), formatted));
                registered.add(item);
                flights.put(formatted, flight);
                L1Entry filled = cache.freshL1(key, raw);
                if (filled != null) {
                    // a flight finished between the caller's L1 miss and this one starting
                    cache.stats().l1Hit(filled.value() == L1Entry.NULL);
                    flight.future().complete(filled.value());
                    call.out.put(formatted, filled.value());
                } else {
                    pending.add(item);
                }
            }
        } catch (RuntimeException | Error failure) {
            end(registered, failure);
            throw failure;
        }
        CompletableFuture<Void> led;
        try {
            led = pending.isEmpty() ? DONE : lead(call, pending, alreadyRead);
        } catch (RuntimeException | Error failure) {
            led = CompletableFuture.failedFuture(failure);
        }
        CompletableFuture<Void> ended = led.handle((ignored, failure) -> {
            end(registered, failure == null ? null : Failures.unwrap(failure));
            if (failure != null) {
                throw new CompletionException(Failures.unwrap(failure));
            }
            return null;
        });
        if (joined.isEmpty()) {
            return ended.thenApply(ignored -> call.out);
        }
        return ended.thenCompose(ignored -> {
            List<CompletableFuture<Void>> joins = new ArrayList<>(joined.size());
            joined.forEach((formatted, running) -> joins.add(join(call, formatted, misses.get(formatted), running, joinedAt.get(formatted))
                    .thenAccept(value -> call.out.put(formatted, value))));
            return CompletableFuture.allOf(joins.toArray(new CompletableFuture<?>[0]));
        }).thenApply(ignored -> call.out);
    }

    /** Ends this call's flights: a failure reaches every caller still waiting for one; each leaves the flight map. */
    private void end(List<Item> registered, Throwable failure) {
        for (Item item : registered) {
            if (failure != null) {
                item.flight.future().completeExceptionally(failure);
            }
            cache.flights().remove(item.formatted, item.flight);
        }
    }

    /** A key another caller is loading: its result, its stale value if it failed, or a new load if it went tag-stale. */
    private CompletableFuture<Object> join(Call call, String formatted, Object key, Flight running, long joinedAt) {
        cache.stats().miss();
        return call.steps.handoff().thenCompose(running.future(), (result, failure) -> {
            if (failure != null) {
                Object stale = running.stale();
                if (stale == null) {
                    return CompletableFuture.failedFuture(Failures.forAsync(failure, cache.name(), key));
                }
                cache.stats().staleServed();
                return CompletableFuture.completedFuture(stale);
            }
            if (!running.staleFor(joinedAt)) {
                return CompletableFuture.completedFuture(result);
            }
            io.lamina.cache.ContextLoader<Object> one = single(call.loader, key, formatted);
            if (call.steps.loaders() == null) {
                // a synchronous call: again on the caller's thread
                try {
                    Object again = cache.load(key, call.type, call.raw, null, one);
                    return CompletableFuture.completedFuture(again == null ? L1Entry.NULL : again);
                } catch (RuntimeException | Error e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            AsyncLoader<Object> onPool = ctx -> CompletableFuture.supplyAsync(() -> NamedCache.callSync(one, ctx), call.steps.loaders());
            return cache.loadAsync(key, call.type, call.raw, onPool);
        });
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

    /** {@code then} applied to the value of {@code stage}, off the I/O threads; a failure passes through. */
    private static <T, U> CompletableFuture<U> then(Call call, CompletableFuture<T> stage, Function<? super T, CompletableFuture<U>> then) {
        return call.steps.handoff().thenCompose(stage, (value, failure) -> failure != null
                ? CompletableFuture.failedFuture(Failures.unwrap(failure)) : then.apply(value));
    }

    private CompletableFuture<Void> lead(Call call, List<Item> items, Map<String, Envelope> alreadyRead) {
        long start = cache.context().clock().nanoTime();
        if (remote == null) {
            return proceed(call, items, List.of(), start);
        }
        if (alreadyRead != null) {
            for (Item item : items) {
                item.stale = alreadyRead.get(item.formatted);
            }
            return then(call, claim(call, items, NOT_WAITED), split -> proceed(call, split.toLoad(), split.waiting(), start));
        }
        CompletableFuture<Void> cacheTag = cache.miss().ensureCacheTag();
        CompletableFuture<List<byte[]>> read = soft(remote.start(() -> remote.tier().getAll(keysOf(items))), "bulk read of " + items.size() + " keys")
                .thenCombine(cacheTag, (found, ignored) -> found);
        return then(call, read, found -> {
            if (found == null) {
                return proceed(call, items, List.of(), start);
            }
            return then(call, serveValid(call, items, found, NOT_WAITED), cold -> {
                if (cold.isEmpty()) {
                    return DONE;
                }
                return then(call, claim(call, cold, NOT_WAITED), split -> proceed(call, split.toLoad(), split.waiting(), start));
            });
        });
    }

    /** Loads and stores {@code toLoad}, then waits for the keys in {@code waiting}; each key is counted as a miss. */
    private CompletableFuture<Void> proceed(Call call, List<Item> toLoad, List<Item> waiting, long start) {
        for (int i = 0; i < toLoad.size() + waiting.size(); i++) {
            cache.stats().miss();
        }
        // the value fail-safe may serve for each key if its load fails or outlives a timeout: set before it can
        for (Item item : toLoad) {
            item.flight.stale(failSafe.staleFor(item.key, call.type, call.raw, item.stale, item.rk));
        }
        for (Item item : waiting) {
            item.flight.stale(failSafe.staleFor(item.key, call.type, call.raw, item.stale, item.rk));
        }
        CompletableFuture<Void> loaded = toLoad.isEmpty() ? DONE : loadAndStore(call, toLoad);
        if (waiting.isEmpty()) {
            return loaded;
        }
        return then(call, loaded, ignored -> awaitHolders(call, waiting, start, start + cache.options().lockWait().toNanos()));
    }

    /**
     * Serves the items whose bytes decode to a fresh entry with current tags (L2 hits, filling L1); completes with the
     * others, each with its stale entry when fail-safe may use it. With {@code waitStart} a hit ends a lock wait.
     */
    private CompletableFuture<List<Item>> serveValid(Call call, List<Item> items, List<byte[]> found, long waitStart) {
        List<Decoded> decoded = new ArrayList<>(items.size());
        List<CompletableFuture<Boolean>> checks = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Decoded d = cache.miss().decode(found.get(i), call.type, call.raw, items.get(i).rk);
            decoded.add(d);
            checks.add(d == null ? CompletableFuture.completedFuture(false)
                    : tagCheck(cache.miss().validTags(d.envelope()), items.get(i)));
        }
        return then(call, CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])), ignored -> {
            long now = cache.context().clock().currentTimeMillis();
            List<Item> rest = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                Decoded d = decoded.get(i);
                boolean valid = d != null && Boolean.TRUE.equals(checks.get(i).join());
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
                    call.out.put(item.formatted, d.value());
                } else {
                    if (valid) {
                        item.stale = d.envelope();
                    }
                    rest.add(item);
                }
            }
            return CompletableFuture.completedFuture(rest);
        });
    }

    /** Takes the fill leases of {@code cold} in bulk, only if free: leased keys are to load, the others to wait for. */
    private CompletableFuture<Split> claim(Call call, List<Item> cold, long counting) {
        List<String> tokens = new ArrayList<>(cold.size());
        for (int i = 0; i < cold.size(); i++) {
            tokens.add(tokenPrefix + TOKENS.incrementAndGet());
        }
        Duration leaseTtl = remote.tier().lockLease();
        CompletableFuture<List<LeaseResult>> claimed = soft(remote.start(() -> remote.tier().leaseAll(keysOf(cold), tokens, leaseTtl)),
                "bulk lease of " + cold.size() + " keys");
        return then(call, claimed, leases -> {
            if (leases == null) {
                return CompletableFuture.completedFuture(new Split(new ArrayList<>(cold), new ArrayList<>()));
            }
            List<byte[]> values = new ArrayList<>(cold.size());
            for (LeaseResult lease : leases) {
                values.add(lease.value());
            }
            // an entry stored since the bulk read is served (its lease, if taken, runs out as on the single-key path)
            return then(call, serveValid(call, cold, values, counting), rest -> {
                Set<Item> notServed = Collections.newSetFromMap(new IdentityHashMap<>());
                notServed.addAll(rest);
                Split split = new Split(new ArrayList<>(), new ArrayList<>());
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
                        split.toLoad().add(item);
                    } else {
                        split.waiting().add(item);
                    }
                }
                return CompletableFuture.completedFuture(split);
            });
        });
    }

    /**
     * Keys another caller holds the lease of: re-read in bulk every {@link MissPath#LEASE_POLL} until their values are
     * there or {@code lockWait} has passed; then the lock-timeout policy: fail, serve stale, or load them here (stored
     * only where the lease is free by then). The pause holds no thread: the JDK's delay thread only sends the read.
     */
    private CompletableFuture<Void> awaitHolders(Call call, List<Item> left, long start, long deadline) {
        if (left.isEmpty()) {
            return DONE;
        }
        long now = cache.context().clock().nanoTime();
        if (now - deadline >= 0) {
            return giveUp(call, left, start);
        }
        long pause = Math.min(MissPath.LEASE_POLL.toNanos(), Math.max(1, deadline - now));
        Executor later = CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS, Runnable::run);
        CompletableFuture<List<byte[]>> read = CompletableFuture.supplyAsync(() -> null, later)
                .thenCompose(ignored -> soft(remote.start(() -> remote.tier().getAll(keysOf(left))), "bulk read of " + left.size() + " keys"));
        return then(call, read, found -> found == null
                ? awaitHolders(call, left, start, deadline)
                : then(call, serveValid(call, left, found, start), rest -> awaitHolders(call, rest, start, deadline)));
    }

    private CompletableFuture<Void> giveUp(Call call, List<Item> left, long start) {
        ResolvedOptions options = cache.options();
        long waited = cache.context().clock().nanoTime() - start;
        for (int i = 0; i < left.size(); i++) {
            cache.stats().lockWaited(false, waited);
        }
        if (options.onLockTimeout() == LockTimeoutPolicy.FAIL) {
            return CompletableFuture.failedFuture(new CacheLockTimeoutException(left.size() + " keys of cache '" + cache.name()
                    + "' are being loaded by another node; gave up after lockWait " + options.lockWait()));
        }
        List<Item> toLoad = new ArrayList<>();
        for (Item item : left) {
            Object stale = options.onLockTimeout() == LockTimeoutPolicy.STALE && item.stale != null
                    ? cache.miss().staleValue(item.stale, call.type, call.raw, item.rk) : null;
            if (stale != null) {
                item.flight.future().complete(stale);
                call.out.put(item.formatted, stale);
            } else {
                toLoad.add(item);
            }
        }
        if (toLoad.isEmpty()) {
            return DONE;
        }
        return then(call, claim(call, toLoad, RECLAIMED), split -> {
            List<Item> again = new ArrayList<>(split.toLoad());
            again.addAll(split.waiting());   // loaded here, not stored: their holder's lease still stands
            return again.isEmpty() ? DONE : loadAndStore(call, again);
        });
    }

    /** One loader call for {@code items}; then the fenced bulk store, or the failure (fail-safe per key). */
    private CompletableFuture<Void> loadAndStore(Call call, List<Item> items) {
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
        CompletableFuture<Map<?, ?>> loading = run(call, items, missing, context);
        return call.steps.handoff().thenCompose(loading, (loaded, failure) -> {
            long took = cache.context().clock().nanoTime() - start;
            if (failure == null && loaded == null) {
                failure = new CacheLoaderException("the bulk loader of cache '" + cache.name() + "' returned null instead of a map", null);
            }
            if (failure != null) {
                for (Item item : items) {
                    item.ctx.close();
                    cache.stats().loadFailure(took);
                    giveBack(item);
                }
                return failed(call, items, Failures.unwrap(failure));
            }
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
            return store(call, items, values);
        });
    }

    /**
     * Calls the loader, marked as loading each of {@code items} (a loader asking for one of its own keys fails fast):
     * on the thread at hand for a synchronous call, else on the loader pool.
     */
    private CompletableFuture<Map<?, ?>> run(Call call, List<Item> items, Set<Object> missing, BulkContextImpl context) {
        Executor pool = call.steps.loaders();
        if (pool == null) {
            return invoke(call, items, missing, context);
        }
        try {
            return CompletableFuture.supplyAsync(() -> invoke(call, items, missing, context), pool).thenCompose(f -> f);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new CacheException("the loader pool is full; the bulk load of " + missing.size()
                    + " keys in cache '" + cache.name() + "' was not started", e));
        }
    }

    private CompletableFuture<Map<?, ?>> invoke(Call call, List<Item> items, Set<Object> missing, BulkContextImpl context) {
        LoadingKeys.Frame frames = call.steps.parent();
        for (Item item : items) {
            frames = new LoadingKeys.Frame(cache, item.formatted, frames);
        }
        LoadingKeys.Frame outer = LoadingKeys.enter(frames.parent(), cache, frames.key());
        try {
            return CompletableFuture.completedFuture(call.loader.load(missing, context));
        } catch (Throwable failure) {
            return CompletableFuture.failedFuture(failure);
        } finally {
            LoadingKeys.exit(outer);
        }
    }

    /**
     * A failed load: when fail-safe has a stale value for every key, those are served (and stand in for the
     * throttle); otherwise the failure reaches the caller and every caller waiting for one of the keys.
     */
    private CompletableFuture<Void> failed(Call call, List<Item> items, Throwable failure) {
        List<Object> stale = new ArrayList<>(items.size());
        boolean all = failure instanceof Exception;
        for (Item item : items) {
            Object s = failure instanceof Exception ? failSafe.staleFor(item.key, call.type, call.raw, item.stale, item.rk) : null;
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
                call.out.put(item.formatted, failSafe.serveStale(item.flight, item.key, item.formatted, stale.get(i)));
            }
        }
        if (!all) {
            return CompletableFuture.failedFuture(Failures.forAsync(failure, cache.name(), "(bulk load of " + items.size() + " keys)"));
        }
        return DONE;
    }

    /** Stores the loaded values: L2 in one fenced bulk fill for the leased keys, then L1; completes every flight. */
    private CompletableFuture<Void> store(Call call, List<Item> items, Map<String, Object> values) {
        ResolvedOptions options = cache.options();
        List<Item> fills = new ArrayList<>();
        for (Item item : items) {
            Object value = values.get(item.formatted);
            item.value = value;
            if ((value == null && !options.cacheNulls()) || !item.ctx.cacheable()) {
                giveBack(item);
                done(call, item, false);
                continue;
            }
            Duration ttl = item.ctx.ttlOverride() != null ? item.ctx.ttlOverride() : value == null ? options.nullTtl() : options.ttl();
            item.ttlNanos = options.jitteredNanos(ttl);
            if (!item.remoteUsable) {
                done(call, item, true);
            } else if (!item.leased) {
                done(call, item, false);
            } else {
                item.tags = cache.miss().withCacheTag(item.ctx.tagSet());
                fills.add(item);
            }
        }
        if (fills.isEmpty()) {
            return DONE;
        }
        Set<String> union = new LinkedHashSet<>();
        long minStamp = Long.MAX_VALUE;
        for (Item item : fills) {
            union.addAll(item.tags);
            minStamp = Math.min(minStamp, item.stamp);
        }
        List<String> allTags = new ArrayList<>(union);
        // a tag created now is created at the earliest stamp of the batch, so it is current for every key of it
        return then(call, soft(cache.miss().tagVersions(allTags, minStamp), "tag versions"), versions -> {
            if (versions == null) {
                for (Item item : fills) {
                    giveBack(item);
                    done(call, item, false);
                }
                return DONE;
            }
            return fill(call, fills, allTags, versions);
        });
    }

    private CompletableFuture<Void> fill(Call call, List<Item> fills, List<String> allTags, long[] versions) {
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
                done(call, item, false);
                continue;
            }
            try {
                bytes.add(cache.miss().stored(cache.miss().envelope(item.value, call.type, item.ttlNanos, item.tags, mine), item.rk));
            } catch (CodecException e) {
                remote.unreadable("value of " + item.rk + " (not stored)", e, cache.stats());
                giveBack(item);
                done(call, item, false);
                continue;
            }
            sent.add(item);
            keys.add(item.rk);
            tokens.add(item.token);
            ttls.add(Duration.ofNanos(Durations.saturatedAdd(item.ttlNanos, Durations.toNanos(cache.options().failSafe()))));
        }
        if (sent.isEmpty()) {
            return DONE;
        }
        CompletableFuture<List<Boolean>> filled = soft(remote.start(() -> remote.tier().fillAll(keys, tokens, bytes, ttls)),
                "bulk fill of " + sent.size() + " keys");
        return then(call, filled, stored -> {
            for (int i = 0; i < sent.size(); i++) {
                if (stored == null) {
                    giveBack(sent.get(i));   // the fill may not have run
                }
                // a failed fill leaves L1 filled, as on the single-key path; a lost lease (the key was written) does not
                done(call, sent.get(i), stored == null || Boolean.TRUE.equals(stored.get(i)));
            }
            return DONE;
        });
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

    private void done(Call call, Item item, boolean fillL1) {
        if (fillL1) {
            cache.fill(item.flight, item.key, item.formatted, item.value, item.ttlNanos, item.ctx.tagSet());
        } else {
            item.flight.markTagStale();
        }
        Object stored = item.value == null ? L1Entry.NULL : item.value;
        item.flight.future().complete(stored);
        call.out.put(item.formatted, stored);
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

    /**
     * A remote step that never fails: bounded by the tier's timeout (plus a second, for a tier that never answers); a
     * failure is counted and logged and yields null, which each step treats as "Redis unusable for these keys".
     */
    /** {@link #soft} for a tag check; the description is built only for a check still running (it hashes the key). */
    private CompletableFuture<Boolean> tagCheck(CompletableFuture<Boolean> check, Item item) {
        return check.isDone() && !check.isCompletedExceptionally() ? check : soft(check, "tags of " + item.rk);
    }

    private <T> CompletableFuture<T> soft(CompletableFuture<T> step, String what) {
        if (step.isDone() && !step.isCompletedExceptionally()) {
            return step;
        }
        long limit = remote.tier().operationTimeout().toNanos() + 1_000_000_000L;
        return step.copy().orTimeout(limit, TimeUnit.NANOSECONDS).handle((value, failure) -> {
            if (failure != null) {
                remote.failed(what, Failures.unwrap(failure), cache.stats());
                return null;
            }
            return value;
        });
    }
}
