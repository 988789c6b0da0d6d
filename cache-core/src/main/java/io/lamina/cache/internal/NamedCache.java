package io.lamina.cache.internal;

import io.lamina.cache.AsyncLoader;
import io.lamina.cache.CacheException;
import io.lamina.cache.ContextLoader;
import io.lamina.cache.Loader;
import io.lamina.cache.internal.MissPath.Finished;
import io.lamina.cache.internal.MissPath.Prepared;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.l1.LocalTier;
import io.lamina.cache.internal.load.Failures;
import io.lamina.cache.internal.load.Flight;
import io.lamina.cache.internal.load.LoadContextImpl;
import io.lamina.cache.internal.remote.RemoteAccess;
import io.lamina.cache.internal.stats.StatsCounter;
import io.lamina.cache.internal.tag.TagVersion;
import io.lamina.cache.spi.CodecException;
import io.lamina.cache.spi.RemoteKey;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One named cache: its L1, its running loads and its counters, with the read path (miss, single-flight,
 * load, fenced fill) and the write path (put, invalidate, invalidate all).
 *
 * <p>Fencing in this JVM: every fill of L1 and every removal from it go through {@code compute} on the
 * key, and a removal or put fences the key's running flight inside that same {@code compute}; a fill
 * skips a fenced flight. So a load that started before an invalidation of its key can never store its
 * result after it. {@code invalidateAll} does the same for every flight through the cache's generation.
 * Across JVMs the remote tier's fill lease does the same for L2 (see {@link MissPath}).
 */
public final class NamedCache {

    private final String name;
    private final ResolvedOptions options;
    private final TemplateContext context;
    private final LocalTier l1;
    private final StatsCounter stats = new StatsCounter();
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    /** Background refreshes, apart from loads: a miss never waits for a refresh that may be skipped. */
    private final ConcurrentHashMap<String, Flight> refreshes = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final RemoteAccess remote;
    private final MissPath miss;

    public NamedCache(String name, ResolvedOptions options, TemplateContext context, RemoteAccess remote) {
        this.name = name;
        this.options = options;
        this.context = context;
        this.l1 = new LocalTier(options, context.clock(), stats::evictions);
        this.remote = remote;
        this.miss = new MissPath(this, remote, context.nodeId());
    }

    public String name() {
        return name;
    }

    public ResolvedOptions options() {
        return options;
    }

    public StatsCounter stats() {
        return stats;
    }

    TemplateContext context() {
        return context;
    }

    /** The L1 entry of {@code key} if it may be served now as a {@code raw}, else null. The hot path: no allocation. */
    public L1Entry freshL1(Object key, Class<?> raw) {
        L1Entry e = l1.get(key);
        if (e == null) {
            return null;
        }
        if (e.timed() && context.clock().nanoTime() >= e.freshUntil()) {
            return null;
        }
        Object v = e.value();
        if (!e.tagsCurrent() || (v != L1Entry.NULL && !raw.isInstance(v))) {
            return null;
        }
        return e;
    }

    // ---- the synchronous miss -------------------------------------------------------------------------

    /** The slow path of {@code remember}: L1 missed. Runs the loader at most once per key in this JVM at a time. */
    public Object load(Object key, Type type, Class<?> raw, Duration ttl, Object loader) {
        String formatted = context.keys().format(key);
        if (options.timed()) {
            return loadWithTimeouts(key, formatted, type, raw, ttl, loader);
        }
        Thread me = Thread.currentThread();
        boolean counted = false;
        while (true) {
            Flight mine = new Flight(key, me, context.tags().sequence(), generation.get());
            Flight running = flights.putIfAbsent(formatted, mine);
            if (running != null) {
                if (running.ownedBy(me)) {
                    throw new IllegalStateException("recursive load: the loader of key " + key + " in cache '" + name
                            + "' asked for the same key");
                }
                if (!counted) {
                    stats.miss();
                    counted = true;
                }
                long joined = context.tags().sequence();
                Object result;
                try {
                    result = await(running, key);
                } catch (RuntimeException failure) {
                    Object stale = running.stale();
                    if (stale == null) {
                        throw failure;
                    }
                    stats.staleServed();
                    return served(stale, raw, key);
                }
                if (running.staleFor(joined)) {
                    continue;
                }
                return served(result, raw, key);
            }
            try {
                L1Entry filled = freshL1(key, raw);
                if (filled != null) {
                    // a flight finished between our L1 miss and our flight starting
                    if (!counted) {
                        stats.l1Hit(filled.value() == L1Entry.NULL);
                    }
                    mine.future().complete(filled.value());
                    return unwrap(filled.value());
                }
                return lead(mine, key, formatted, type, raw, ttl, loader, counted);
            } finally {
                flights.remove(formatted, mine);
            }
        }
    }

    private Object lead(Flight mine, Object key, String formatted, Type type, Class<?> raw, Duration ttl, Object loader,
            boolean counted) {
        Prepared p;
        try {
            p = awaitPrepared(miss.prepare(formatted, type, raw), formatted);
        } catch (RuntimeException e) {
            mine.future().completeExceptionally(e);
            throw e;
        }
        if (p.isResolved()) {
            servedWithoutLoad(mine, key, formatted, p, counted);
            return unwrap(p.resolved);
        }
        if (p.stamp != 0) {
            mine.stamp(p.stamp);
        }
        if (!counted) {
            stats.miss();
        }
        LoadContextImpl ctx = new LoadContextImpl(name, key, context.maxTagsPerEntry());
        long start = context.clock().nanoTime();
        Object value;
        try {
            value = loader instanceof Loader<?> plain ? plain.load() : ((ContextLoader<?>) loader).load(ctx);
        } catch (Throwable failure) {
            p.release();
            stats.loadFailure(context.clock().nanoTime() - start);
            Object stale = failure instanceof Exception ? staleFor(key, type, raw, p) : null;
            if (stale != null) {
                mine.stale(stale);
                mine.future().completeExceptionally(failure);
                return unwrap(serveStale(mine, key, formatted, stale));
            }
            mine.future().completeExceptionally(failure);
            throw Failures.propagate(failure, name, key);
        } finally {
            ctx.close();
        }
        stats.loadSuccess(context.clock().nanoTime() - start);
        Finished finished = awaitFinished(miss.finish(p, value, ctx, ttl));
        if (finished.fillL1()) {
            fill(mine, key, formatted, value, finished.ttlNanos(), ctx.tagSet());
        } else {
            mine.markTagStale();
        }
        mine.future().complete(value == null ? L1Entry.NULL : value);
        return value;
    }

    private Prepared awaitPrepared(CompletableFuture<Prepared> prepared, String formatted) {
        if (prepared.isDone() || remote == null) {
            return joinPrepared(prepared, formatted);
        }
        // bounded: every remote step has its own timeout; this only guards against a tier that never answers
        long limit = options.lockWait().plus(remote.tier().operationTimeout().multipliedBy(3)).toNanos() + 1_000_000_000L;
        try {
            return prepared.get(limit, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Failures.interrupted(name, formatted, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException e) {
            remote.failed("read of " + formatted, e, stats);
            return Prepared.localOnly(new RemoteKey(context.namespace(), name, formatted));
        }
    }

    private static Prepared joinPrepared(CompletableFuture<Prepared> prepared, String formatted) {
        try {
            return prepared.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("interrupted while reading key " + formatted, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private Finished awaitFinished(CompletableFuture<Finished> finished) {
        if (finished.isDone() || remote == null) {
            return finished.join();
        }
        return remote.await(finished, Duration.ZERO, new Finished(true, 0), "fill", stats);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new CacheException("unexpected failure", t);
    }

    /** A miss answered by L2 (fill L1 from it) or by a stale value (L1 untouched). */
    private void servedWithoutLoad(Flight flight, Object key, String formatted, Prepared p, boolean counted) {
        if (p.envelope != null) {
            if (!counted) {
                stats.l2Hit(p.resolved == L1Entry.NULL);
            }
            fillFromRemote(flight, key, formatted, p.resolved, p.envelope);
        } else if (!counted) {
            stats.miss();
        }
        flight.future().complete(p.resolved);
    }

    // ---- the asynchronous miss ------------------------------------------------------------------------

    /** The slow path of {@code rememberAsync}. Never blocks and never joins. */
    public CompletableFuture<Object> loadAsync(Object key, Type type, Class<?> raw, AsyncLoader<?> loader) {
        String formatted = context.keys().format(key);
        return loadAsync(key, formatted, type, raw, loader, null, false);
    }

    private CompletableFuture<Object> loadAsync(Object key, String formatted, Type type, Class<?> raw, AsyncLoader<?> loader,
            Duration ttl, boolean counted) {
        Flight mine = new Flight(key, null, context.tags().sequence(), generation.get());
        Flight running = flights.putIfAbsent(formatted, mine);
        if (running != null) {
            if (!counted) {
                stats.miss();
            }
            long joined = context.tags().sequence();
            return guard(running, key, formatted, raw, running.future().handle((result, failure) -> {
                if (failure != null) {
                    return CompletableFuture.failedFuture(Failures.forAsync(failure, name, key));
                }
                if (running.staleFor(joined)) {
                    return loadAsync(key, formatted, type, raw, loader, ttl, true);
                }
                return CompletableFuture.completedFuture(result);
            }).thenCompose(f -> f));
        }
        L1Entry filled = freshL1(key, raw);
        if (filled != null) {
            flights.remove(formatted, mine);
            if (!counted) {
                stats.l1Hit(filled.value() == L1Entry.NULL);
            }
            mine.future().complete(filled.value());
            return CompletableFuture.completedFuture(filled.value());
        }
        CompletableFuture<Object> result = miss.prepare(formatted, type, raw).thenCompose(p -> {
            if (p.isResolved()) {
                servedWithoutLoad(mine, key, formatted, p, counted);
                return CompletableFuture.completedFuture(p.resolved);
            }
            if (p.stamp != 0) {
                mine.stamp(p.stamp);
            }
            if (!counted) {
                stats.miss();
            }
            mine.stale(staleFor(key, type, raw, p));
            return leadAsync(mine, key, formatted, p, loader, ttl);
        });
        // the flight leaves the map before anyone sees it complete: a later caller never joins a finished load
        CompletableFuture<Object> done = result.whenComplete((value, failure) -> {
            flights.remove(formatted, mine);
            if (failure != null) {
                mine.future().completeExceptionally(Failures.unwrap(failure));
            } else {
                mine.future().complete(value);
            }
        });
        return guard(mine, key, formatted, raw, done.handle((value, failure) -> {
            if (failure != null) {
                throw new java.util.concurrent.CompletionException(Failures.forAsync(failure, name, key));
            }
            return value;
        }));
    }

    private CompletableFuture<Object> leadAsync(Flight mine, Object key, String formatted, Prepared p, AsyncLoader<?> loader,
            Duration ttl) {
        LoadContextImpl ctx = new LoadContextImpl(name, key, context.maxTagsPerEntry());
        long start = context.clock().nanoTime();
        CompletionStage<?> stage;
        try {
            stage = loader.load(ctx);
            if (stage == null) {
                throw new NullPointerException("the async loader of key " + key + " in cache '" + name
                        + "' returned null instead of a CompletionStage");
            }
        } catch (Throwable failure) {
            ctx.close();
            p.release();
            stats.loadFailure(context.clock().nanoTime() - start);
            return CompletableFuture.failedFuture(failure);
        }
        return stage.toCompletableFuture().handle((value, failure) -> {
            ctx.close();
            if (failure != null) {
                p.release();
                stats.loadFailure(context.clock().nanoTime() - start);
                return CompletableFuture.failedFuture(Failures.unwrap(failure));
            }
            stats.loadSuccess(context.clock().nanoTime() - start);
            return miss.finish(p, value, ctx, ttl).thenApply(finished -> {
                if (finished.fillL1()) {
                    fill(mine, key, formatted, value, finished.ttlNanos(), ctx.tagSet());
                } else {
                    mine.markTagStale();
                }
                return value == null ? L1Entry.NULL : (Object) value;
            });
        }).thenCompose(f -> f);
    }

    // ---- fail-safe and timeouts -----------------------------------------------------------------------

    /**
     * The value to serve if this load fails: the L1 copy past its freshness (kept for the fail-safe
     * window, its tags still current), else the stale entry L2 still holds. Null when fail-safe is off.
     */
    private Object staleFor(Object key, Type type, Class<?> raw, Prepared p) {
        if (!options.failSafeOn()) {
            return null;
        }
        L1Entry e = l1.get(key);
        if (e != null && e.tagsCurrent() && (e.value() == L1Entry.NULL || raw.isInstance(e.value()))) {
            return e.value();
        }
        return p != null && p.stale != null ? miss.staleValue(p.stale, type, raw, p.key) : null;
    }

    /**
     * Serves a stale value after a failed or timed-out load, and lets it stand in as fresh for
     * {@code failSafeThrottle}, so the loader is not retried for the key at once (unless the key is
     * written meanwhile: the stand-in goes through the same fenced install).
     */
    private Object serveStale(Flight flight, Object key, String formatted, Object stale) {
        stats.staleServed();
        if (options.l1Enabled()) {
            long until = Durations.saturatedAdd(context.clock().nanoTime(), Durations.toNanos(options.failSafeThrottle()));
            L1Entry current = l1.get(key);
            L1Entry standIn = current != null && current.value() == stale ? current.asStale(until)
                    : new L1Entry(key, formatted, stale, until, Long.MAX_VALUE, until, new TagVersion[0], new long[0], true);
            install(flight, key, standIn);
        }
        return stale;
    }

    /**
     * A synchronous {@code remember} on a cache with a soft or hard timeout: the loader runs on the loader
     * pool (so the caller can stop waiting), through the asynchronous path, guarded like it.
     */
    private Object loadWithTimeouts(Object key, String formatted, Type type, Class<?> raw, Duration ttl, Object loader) {
        AsyncLoader<Object> onPool = ctx -> CompletableFuture.supplyAsync(() -> callSync(loader, ctx), context.loaders());
        CompletableFuture<Object> result = loadAsync(key, formatted, type, raw, onPool, ttl, false);
        try {
            return served(result.get(), raw, key);
        } catch (InterruptedException e) {
            throw Failures.interrupted(name, key, e);
        } catch (ExecutionException e) {
            throw Failures.propagate(e.getCause(), name, key);
        }
    }

    private static Object callSync(Object loader, io.lamina.cache.LoadContext ctx) {
        try {
            return loader instanceof Loader<?> plain ? plain.load() : ((ContextLoader<?>) loader).load(ctx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /**
     * What an asynchronous caller (or a synchronous one under a timeout) gets: the load's value; or, when
     * the load fails, the stale value fail-safe kept; or, past {@code softTimeout}, the stale value while the
     * load goes on; or, past {@code hardTimeout}, the stale value or a {@link io.lamina.cache.CacheLoadTimeoutException}.
     * Never blocks: timeouts fire from a delayed executor.
     */
    private CompletableFuture<Object> guard(Flight flight, Object key, String formatted, Class<?> raw, CompletableFuture<Object> load) {
        if (!options.failSafeOn() && !options.timed()) {
            return load;
        }
        CompletableFuture<Object> out = new CompletableFuture<>();
        // one of the three outcomes settles the caller's future; its side effects (counters, the stand-in)
        // happen before the caller can see the result
        java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
        load.whenComplete((value, failure) -> {
            if (failure == null) {
                if (settled.compareAndSet(false, true)) {
                    out.complete(value);
                }
                return;
            }
            Throwable cause = Failures.unwrap(failure);
            Object stale = cause instanceof Exception ? staleOf(flight, key, raw) : null;
            if (settled.compareAndSet(false, true)) {
                if (stale != null) {
                    out.complete(serveStale(flight, key, formatted, stale));
                } else {
                    out.completeExceptionally(cause);
                }
            }
        });
        if (options.softTimeout() != null) {
            CompletableFuture.delayedExecutor(options.softTimeout().toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                if (settled.get()) {
                    return;
                }
                Object stale = staleOf(flight, key, raw);
                if (stale != null && settled.compareAndSet(false, true)) {
                    stats.loadTimeout();
                    stats.staleServed();   // the load goes on and fills the cache when it finishes
                    out.complete(stale);
                } else if (stale == null && !settled.get()) {
                    stats.loadTimeout();
                }
            });
        }
        if (options.hardTimeout() != null) {
            CompletableFuture.delayedExecutor(options.hardTimeout().toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                Object stale = staleOf(flight, key, raw);
                if (!settled.compareAndSet(false, true)) {
                    return;
                }
                if (options.softTimeout() == null) {
                    stats.loadTimeout();
                }
                if (stale != null) {
                    out.complete(serveStale(flight, key, formatted, stale));
                } else {
                    out.completeExceptionally(new io.lamina.cache.CacheLoadTimeoutException("the load of key " + key
                            + " in cache '" + name + "' took longer than hardTimeout " + options.hardTimeout()
                            + "; it goes on in the background"));
                }
            });
        }
        return out;
    }

    private Object staleOf(Flight flight, Object key, Class<?> raw) {
        Object stale = flight.stale();
        return stale != null ? stale : staleFor(key, null, raw, null);
    }

    // ---- refresh-ahead --------------------------------------------------------------------------------

    /**
     * An L1 hit past its refresh point: reload the key in the background, once per key in this JVM (the
     * entry is claimed), and once per cluster (the refresh takes the key's lock without waiting; if
     * another node holds it, that node refreshes). The refresh is fenced like every fill. The caller has
     * its value already.
     */
    public void maybeRefresh(L1Entry hit, Object key, Type type, Class<?> raw, Duration ttl, Object loader) {
        if (!hit.claimRefresh()) {
            return;
        }
        String formatted = hit.formatted() != null ? hit.formatted() : context.keys().format(key);
        Flight mine = new Flight(key, null, context.tags().sequence(), generation.get());
        if (flights.containsKey(formatted) || refreshes.putIfAbsent(formatted, mine) != null) {
            return;
        }
        stats.refreshStarted();
        try {
            context.loaders().execute(() -> refresh(mine, key, formatted, type, raw, ttl, loader));
        } catch (java.util.concurrent.RejectedExecutionException full) {
            refreshes.remove(formatted, mine);
            stats.refreshRejected();
        }
    }

    private void refresh(Flight mine, Object key, String formatted, Type type, Class<?> raw, Duration ttl, Object loader) {
        miss.prepareRefresh(formatted, type, raw).thenCompose(p -> {
            if (p.skip) {
                stats.refreshSkipped();
                return CompletableFuture.completedFuture(null);
            }
            if (p.isResolved()) {
                // another node refreshed it already
                fillFromRemote(mine, key, formatted, p.resolved, p.envelope);
                stats.refreshCompleted();
                return CompletableFuture.completedFuture(p.resolved);
            }
            if (p.stamp != 0) {
                mine.stamp(p.stamp);
            }
            LoadContextImpl ctx = new LoadContextImpl(name, key, context.maxTagsPerEntry());
            long start = context.clock().nanoTime();
            CompletionStage<?> stage;
            try {
                stage = loader instanceof AsyncLoader<?> async ? async.load(ctx) : CompletableFuture.completedFuture(callSync(loader, ctx));
            } catch (Throwable failure) {
                stage = CompletableFuture.failedFuture(failure);
            }
            return stage.toCompletableFuture().handle((value, failure) -> {
                ctx.close();
                if (failure != null) {
                    p.release();
                    stats.loadFailure(context.clock().nanoTime() - start);
                    return CompletableFuture.failedFuture(failure);
                }
                stats.loadSuccess(context.clock().nanoTime() - start);
                return miss.finish(p, value, ctx, ttl).thenApply(finished -> {
                    if (finished.fillL1()) {
                        fill(mine, key, formatted, value, finished.ttlNanos(), ctx.tagSet());
                    }
                    stats.refreshCompleted();
                    return (Object) value;
                });
            }).thenCompose(f -> f);
        }).whenComplete((value, failure) -> {
            refreshes.remove(formatted, mine);
            if (failure != null) {
                stats.refreshFailed();   // the current value stays until it expires
            }
        });
    }

    // ---- filling L1 -----------------------------------------------------------------------------------

    /** Stores a loaded value in L1, unless the flight was fenced or one of its tags went stale meanwhile. */
    private void fill(Flight flight, Object key, String formatted, Object value, long ttlNanos, Collection<String> tags) {
        if (!options.l1Enabled()) {
            return;
        }
        install(flight, key, entry(key, formatted, value, ttlNanos, tags, null, Long.MIN_VALUE));
    }

    /** Stores in L1 a value read from L2; its L1 life never outlives the L2 entry's freshness. */
    private void fillFromRemote(Flight flight, Object key, String formatted, Object value, Envelope envelope) {
        if (!options.l1Enabled()) {
            return;
        }
        long remainingMillis = envelope.freshUntil() - context.clock().currentTimeMillis();
        if (remainingMillis <= 0) {
            return;
        }
        long remainingNanos = remainingMillis >= Durations.MAX_NANOS / 1_000_000L ? Durations.MAX_NANOS : remainingMillis * 1_000_000L;
        // L1 copies carry the user's tags with the versions the entry observed; the cache's own tag is left
        // out: invalidateAll of the cache reaches L1 through the bus
        List<String> tags = envelope.tags();
        int userTags = tags.isEmpty() ? 0 : tags.size() - 1;
        long[] observed = java.util.Arrays.copyOf(envelope.tagVersions(), userTags);
        long refreshAtMillis = options.refreshAtMillis(envelope.createdAt(), envelope.freshUntil());
        long refreshAt = refreshAtMillis == Long.MAX_VALUE ? Long.MAX_VALUE
                : context.clock().nanoTime() + Math.max(0, refreshAtMillis - context.clock().currentTimeMillis()) * 1_000_000L;
        install(flight, key, entry(key, formatted, value == L1Entry.NULL ? null : value, remainingNanos,
                tags.subList(0, userTags), observed, refreshAt));
    }

    private void install(Flight flight, Object key, L1Entry entry) {
        l1.map().compute(key, (k, current) -> {
            if (flight.fenced() || flight.generation() != generation.get()) {
                return current;
            }
            if (entry.taggedAfter(flight.tagSequence())) {
                flight.markTagStale();
                return current;
            }
            l1.indexed(entry);
            return entry;
        });
    }

    /** An L1 entry; {@code observed} null means: the tags' versions as this JVM knows them now. */
    private L1Entry entry(Object key, String formatted, Object value, long ttlNanos, Collection<String> tags, long[] observed,
            long refreshAt) {
        long now = context.clock().nanoTime();
        long l1Nanos = options.l1Ttl() == null ? ttlNanos : Math.min(ttlNanos, Durations.toNanos(options.l1Ttl()));
        long freshUntil = Durations.saturatedAdd(now, l1Nanos);
        long expiresAt = Durations.saturatedAdd(freshUntil, Durations.toNanos(options.failSafe()));
        TagVersion[] versions = new TagVersion[tags.size()];
        long[] seen = observed != null ? observed : new long[versions.length];
        int i = 0;
        for (String tag : tags) {
            versions[i] = context.tags().version(tag);
            if (observed == null) {
                seen[i] = versions[i].version();
            }
            i++;
        }
        // the refresh point follows the logical TTL; an L1 copy that expires first is refreshed from its L2 copy
        long refresh = refreshAt != Long.MIN_VALUE ? refreshAt : options.refreshAt(now, ttlNanos);
        return new L1Entry(key, formatted, value == null ? L1Entry.NULL : value, freshUntil,
                refresh >= freshUntil ? Long.MAX_VALUE : refresh, expiresAt, versions, seen);
    }

    // ---- reads without loading, writes ----------------------------------------------------------------

    /** {@code getIfPresent}: the fresh L1 value, else the fresh L2 value; counted as a hit or a miss. */
    public Object peek(Object key, Type type, Class<?> raw) {
        L1Entry e = freshL1(key, raw);
        if (e != null) {
            stats.l1Hit(e.value() == L1Entry.NULL);
            return e.value();
        }
        String formatted = context.keys().format(key);
        if (remote != null) {
            RemoteKey rk = new RemoteKey(context.namespace(), name, formatted);
            byte[] bytes = remote.await(remote.start(() -> remote.tier().get(rk)), Duration.ZERO, null, "GET of " + rk, stats);
            MissPath.Decoded found = miss.decode(bytes, type, raw, rk);
            if (found != null && found.envelope().freshAt(context.clock().currentTimeMillis())
                    && Boolean.TRUE.equals(remote.await(miss.validTags(found.envelope()), Duration.ZERO, false, "tags of " + rk, stats))) {
                stats.l2Hit(found.value() == L1Entry.NULL);
                return found.value();
            }
        }
        stats.miss();
        return null;
    }

    /** Stores {@code value} in L2 then L1; a running load of the key can no longer store its own result. */
    public void put(Object key, Object value, Duration ttl, Collection<String> tags) {
        String formatted = context.keys().format(key);
        stats.put();
        if (value == null && !options.cacheNulls()) {
            invalidate(key);
            return;
        }
        Duration base = ttl != null ? ttl : value == null ? options.nullTtl() : options.ttl();
        long ttlNanos = options.jitteredNanos(base);
        if (remote != null) {
            RemoteKey rk = new RemoteKey(context.namespace(), name, formatted);
            byte[] bytes = null;
            try {
                bytes = putEnvelope(value, ttlNanos, tags);
            } catch (CodecException e) {
                remote.unreadable("value put at " + rk + " (not stored remotely; the key is invalidated there)", e, stats);
            }
            Duration l2Ttl = Duration.ofNanos(Durations.saturatedAdd(ttlNanos, Durations.toNanos(options.failSafe())));
            byte[] stored = bytes;
            remote.await(remote.start(() -> stored != null ? remote.tier().put(rk, stored, l2Ttl) : remote.tier().invalidate(rk)),
                    Duration.ZERO, null, "put of " + rk, stats);
        }
        L1Entry entry = options.l1Enabled() ? entry(key, formatted, value, ttlNanos, tags, null, Long.MIN_VALUE) : null;
        l1.map().compute(key, (k, current) -> {
            fence(formatted);
            if (entry != null) {
                l1.indexed(entry);
            }
            return entry;
        });
    }

    /**
     * The envelope of a put: its tags' versions are this JVM's view, or Redis's when unknown (created
     * now if Redis has none). Blocks on the remote tier for unknown tags only.
     */
    private byte[] putEnvelope(Object value, long ttlNanos, Collection<String> tags) {
        List<String> all = miss.withCacheTag(tags);
        long[] versions = remote.await(miss.tagVersions(all, context.tags().sequence()), Duration.ZERO, null,
                "versions of tags " + all, stats);
        if (versions == null) {
            throw new CodecException("tag versions unavailable");
        }
        return miss.envelope(value, null, ttlNanos, all, versions).encode();
    }

    /** Removes {@code key} from L2 then L1; a running load of it can no longer store its result. */
    public void invalidate(Object key) {
        String formatted = context.keys().format(key);
        if (remote != null) {
            RemoteKey rk = new RemoteKey(context.namespace(), name, formatted);
            remote.await(remote.start(() -> remote.tier().invalidate(rk)), Duration.ZERO, null, "invalidate of " + rk, stats);
        }
        l1.map().compute(key, (k, current) -> {
            fence(formatted);
            return null;
        });
    }

    /**
     * Another node wrote these keys (named by their string form): drop their L1 copies and fence their
     * running loads, so an L2 read that was in flight cannot install the old value.
     */
    public void invalidateFromBus(List<String> formattedKeys) {
        for (String formatted : formattedKeys) {
            Flight running = flights.get(formatted);
            if (running != null) {
                dropLocal(running.key(), formatted);
            }
            Flight refreshing = refreshes.get(formatted);
            if (refreshing != null) {
                dropLocal(refreshing.key(), formatted);
            }
            L1Entry cached = l1.byFormatted(formatted);
            if (cached != null) {
                dropLocal(cached.key(), formatted);
            }
        }
    }

    private void dropLocal(Object key, String formatted) {
        l1.map().compute(key, (k, current) -> {
            fence(formatted);
            return null;
        });
    }

    /** Removes every L1 entry; every running load is fenced. */
    public void invalidateAll() {
        generation.incrementAndGet();
        flights.forEach((k, flight) -> {
            flight.fence();
            flights.remove(k, flight);
        });
        refreshes.forEach((k, flight) -> {
            flight.fence();
            refreshes.remove(k, flight);
        });
        l1.invalidateAll();
    }

    private void fence(String formatted) {
        Flight running = flights.get(formatted);
        if (running != null) {
            running.fence();
            flights.remove(formatted, running);
        }
        Flight refreshing = refreshes.get(formatted);
        if (refreshing != null) {
            refreshing.fence();
            refreshes.remove(formatted, refreshing);
        }
    }

    /** L1 size now, for stats and tests. */
    public long l1Size() {
        l1.cleanUp();
        return l1.estimatedSize();
    }

    private Object await(Flight flight, Object key) {
        try {
            return flight.future().get();
        } catch (InterruptedException e) {
            throw Failures.interrupted(name, key, e);
        } catch (ExecutionException e) {
            throw Failures.propagate(e.getCause(), name, key);
        }
    }

    private Object served(Object result, Class<?> raw, Object key) {
        if (result != L1Entry.NULL && !raw.isInstance(result)) {
            throw new IllegalStateException("key " + key + " of cache '" + name + "' was loaded as "
                    + result.getClass().getName() + " but requested as " + raw.getName());
        }
        return unwrap(result);
    }

    static Object unwrap(Object stored) {
        return stored == L1Entry.NULL ? null : stored;
    }

}
