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
import io.lamina.cache.internal.load.LoadingKeys;
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
    /** How long a synchronous miss waits for its remote steps at most: lockWait + 3 command timeouts + 1 s. */
    private final long prepareLimitNanos;
    private final MissPath miss;
    private final FailSafe failSafe;
    private final RefreshAhead refreshAhead;
    private final WritePath writes;
    private final BulkPath bulk;

    public NamedCache(String name, ResolvedOptions options, TemplateContext context, RemoteAccess remote) {
        this.name = name;
        this.options = options;
        this.context = context;
        this.l1 = new LocalTier(options, context.clock(), stats::evictions);
        this.remote = remote;
        long op = remote == null ? 0 : Durations.toNanos(remote.tier().operationTimeout());
        this.prepareLimitNanos = Durations.saturatedAdd(Durations.saturatedAdd(Durations.toNanos(options.lockWait()),
                Durations.saturatedAdd(op, Durations.saturatedAdd(op, op))), 1_000_000_000L);
        this.miss = new MissPath(this, remote, context.nodeId());
        this.failSafe = new FailSafe(this);
        this.refreshAhead = new RefreshAhead(this);
        this.writes = new WritePath(this, remote);
        this.bulk = new BulkPath(this, remote, failSafe, context.nodeId());
    }

    LocalTier l1() {
        return l1;
    }

    long generation() {
        return generation.get();
    }

    MissPath miss() {
        return miss;
    }

    ConcurrentHashMap<String, Flight> flights() {
        return flights;
    }

    ConcurrentHashMap<String, Flight> refreshes() {
        return refreshes;
    }

    /** See {@link RefreshAhead#maybeRefresh}. */
    public void maybeRefresh(L1Entry hit, Object key, Type type, Class<?> raw, Duration ttl, Object loader) {
        refreshAhead.maybeRefresh(hit, key, type, raw, ttl, loader);
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

    /** Whether this cache has a remote tier (L2). */
    public boolean hasRemote() {
        return remote != null;
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
        if (context.clock().nanoTime() >= e.freshUntil()) {
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
        LoadingKeys.check(this, name, formatted, key);
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
        LoadingKeys.Frame outer = LoadingKeys.enter(LoadingKeys.current(), this, formatted);
        try {
            value = loader instanceof Loader<?> plain ? plain.load() : ((ContextLoader<?>) loader).load(ctx);
        } catch (Throwable failure) {
            p.release();
            stats.loadFailure(context.clock().nanoTime() - start);
            Object stale = failure instanceof Exception ? failSafe.staleFor(key, type, raw, p) : null;
            if (stale != null) {
                mine.stale(stale);
                mine.future().completeExceptionally(failure);
                return unwrap(failSafe.serveStale(mine, key, formatted, stale));
            }
            mine.future().completeExceptionally(failure);
            throw Failures.propagate(failure, name, key);
        } finally {
            LoadingKeys.exit(outer);
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

    Prepared awaitPrepared(CompletableFuture<Prepared> prepared, String formatted) {
        if (prepared.isDone() || remote == null) {
            return joinPrepared(prepared, formatted);
        }
        // bounded: every remote step has its own timeout; this only guards against a tier that never answers
        long limit = prepareLimitNanos;
        try {
            return prepared.get(limit, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw Failures.interrupted(name, formatted, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (TimeoutException e) {
            remote.failed("read of " + formatted, e, stats);
            // nobody will load or fill for what this miss may still take (a fill lease, the lock): give it back when it
            // arrives, or every other node's miss of the key would wait for it until it expires
            prepared.thenAccept(Prepared::release);
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

    // ---- the bulk miss ---------------------------------------------------------------------------------

    /**
     * The slow path of {@code rememberAll} without loader timeouts: {@code misses} (string form → the caller's key)
     * missed L1. The steps run on the calling thread, and so does the loader, as for {@code remember}; waits hold no
     * other thread. Returns each key's value by string form ({@link L1Entry#NULL} for null). See {@link BulkPath}.
     */
    public java.util.Map<String, Object> loadAll(java.util.Map<String, Object> misses, Type type, Class<?> raw, BulkPath.Invoker loader) {
        checkNotLoading(misses);
        io.lamina.cache.internal.load.Mailbox box = new io.lamina.cache.internal.load.Mailbox(context.handoff()::execute);
        BulkPath.Steps steps = new BulkPath.Steps(new io.lamina.cache.internal.load.Handoff(box, true), null,
                Thread.currentThread(), LoadingKeys.current());
        return box.drive(chunked(misses, type, raw, loader, steps, new ConcurrentHashMap<>(misses.size()), true));
    }

    /**
     * The slow path of {@code rememberAllAsync}, and of {@code rememberAll} under a soft or hard timeout: never blocks.
     * The loader runs on the loader pool; every other step, and the completion of the returned future, as a task of the
     * template's executor (never on a Redis client's I/O thread). Timeouts and fail-safe: {@link FailSafe#guardAll}.
     */
    public CompletableFuture<java.util.Map<String, Object>> loadAllAsync(java.util.Map<String, Object> misses, Type type, Class<?> raw,
            BulkPath.Invoker loader) {
        java.util.Map<String, Flight> running = new ConcurrentHashMap<>(misses.size());
        CompletableFuture<java.util.Map<String, Object>> load;
        try {
            checkNotLoading(misses);
            BulkPath.Steps steps = new BulkPath.Steps(context.handoff(), context.loaders(), null, LoadingKeys.current());
            load = chunked(misses, type, raw, loader, steps, running, false);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return context.handoff().offIo(failSafe.guardAll(misses, running, raw, load));
    }

    private void checkNotLoading(java.util.Map<String, Object> misses) {
        if (LoadingKeys.current() != null) {
            misses.forEach((formatted, key) -> LoadingKeys.check(this, name, formatted, key));
        }
    }

    /** Loads in groups of at most {@link io.lamina.cache.CacheTemplate#MAX_BATCH} keys, one after the other. */
    private CompletableFuture<java.util.Map<String, Object>> chunked(java.util.Map<String, Object> misses, Type type, Class<?> raw,
            BulkPath.Invoker loader, BulkPath.Steps steps, java.util.Map<String, Flight> running, boolean readFirst) {
        if (misses.size() <= io.lamina.cache.CacheTemplate.MAX_BATCH) {
            return readFirst ? bulk.loadReadFirst(misses, type, raw, loader, steps, running) : bulk.load(misses, type, raw, loader, steps, running);
        }
        java.util.List<java.util.Map<String, Object>> chunks = new java.util.ArrayList<>();
        java.util.Map<String, Object> chunk = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, Object> e : misses.entrySet()) {
            chunk.put(e.getKey(), e.getValue());
            if (chunk.size() == io.lamina.cache.CacheTemplate.MAX_BATCH) {
                chunks.add(chunk);
                chunk = new java.util.LinkedHashMap<>();
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        java.util.Map<String, Object> out = new ConcurrentHashMap<>();
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (java.util.Map<String, Object> next : chunks) {
            all = steps.handoff().thenCompose(all, (ignored, failure) -> failure != null
                    ? CompletableFuture.failedFuture(Failures.unwrap(failure))
                    : (readFirst ? bulk.loadReadFirst(next, type, raw, loader, steps, running)
                            : bulk.load(next, type, raw, loader, steps, running)).thenAccept(out::putAll));
        }
        return all.thenApply(ignored -> out);
    }

    /** The bulk loader as the loader of one key, for a refresh-ahead of a key {@code rememberAll} found in L1. */
    public ContextLoader<Object> singleOf(BulkPath.Invoker loader, Object key) {
        return bulk.single(loader, key, context.keys().format(key));
    }

    /** See {@link WritePath#putAll}. */
    public void putAll(java.util.Map<Object, Object> entries) {
        writes.putAll(entries);
    }

    // ---- the asynchronous miss ------------------------------------------------------------------------

    /** The slow path of {@code rememberAsync}. Never blocks and never joins. */
    public CompletableFuture<Object> loadAsync(Object key, Type type, Class<?> raw, AsyncLoader<?> loader) {
        String formatted = context.keys().format(key);
        try {
            LoadingKeys.check(this, name, formatted, key);
        } catch (IllegalStateException recursive) {
            return CompletableFuture.failedFuture(recursive);
        }
        // the loader runs marked as loading this key, within the loads that asked for it on this thread
        AsyncLoader<?> marked = marked(loader, LoadingKeys.current(), formatted);
        // the caller's callbacks run where this future completes: never on a Redis client's I/O thread
        return context.handoff().offIo(loadAsync(key, formatted, type, raw, marked, null, false));
    }

    private <V> AsyncLoader<V> marked(AsyncLoader<V> loader, LoadingKeys.Frame parent, String formatted) {
        return ctx -> {
            LoadingKeys.Frame outer = LoadingKeys.enter(parent, this, formatted);
            try {
                return loader.load(ctx);
            } finally {
                LoadingKeys.exit(outer);
            }
        };
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
            // the flight may complete on an I/O thread; a retry may invoke the loader
            return failSafe.guard(running, key, formatted, raw, context.handoff().thenCompose(running.future(), (result, failure) -> {
                if (failure != null) {
                    return CompletableFuture.failedFuture(Failures.forAsync(failure, name, key));
                }
                if (running.staleFor(joined)) {
                    // a flight can complete before it leaves the map (an L2 hit whose tags moved on while it was read),
                    // and this callback then runs on the completing thread: without the removal the retry would join
                    // the same finished flight again, recursing until the stack overflows
                    flights.remove(formatted, running);
                    return loadAsync(key, formatted, type, raw, loader, ttl, true);
                }
                return CompletableFuture.completedFuture(result);
            }));
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
        // the remote steps complete on I/O threads; what follows them (the loader, the L1 fill) runs off them
        CompletableFuture<Object> result = context.handoff().thenCompose(miss.prepare(formatted, type, raw), (p, failure) -> {
            if (failure != null) {
                return CompletableFuture.failedFuture(Failures.unwrap(failure));
            }
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
            mine.stale(failSafe.staleFor(key, type, raw, p));
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
        return failSafe.guard(mine, key, formatted, raw, done.handle((value, failure) -> {
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
            return context.handoff().thenCompose(miss.finish(p, value, ctx, ttl), (finished, finishFailure) -> {
                if (finishFailure != null) {
                    return CompletableFuture.failedFuture(Failures.unwrap(finishFailure));
                }
                if (finished.fillL1()) {
                    fill(mine, key, formatted, value, finished.ttlNanos(), ctx.tagSet());
                } else {
                    mine.markTagStale();
                }
                return CompletableFuture.completedFuture(value == null ? L1Entry.NULL : (Object) value);
            });
        }).thenCompose(f -> f);
    }

    // ---- loads under a timeout ----------------------------------------------------------------------

    /**
     * A synchronous {@code remember} on a cache with a soft or hard timeout: the loader runs on the loader
     * pool (so the caller can stop waiting), through the asynchronous path, guarded like it.
     */
    private Object loadWithTimeouts(Object key, String formatted, Type type, Class<?> raw, Duration ttl, Object loader) {
        // on the pool, the loader is marked as loading this key within the caller's loads: a loader asking for its own
        // key (or a cycle through the pool) fails fast there instead of occupying a pool thread until a timeout
        LoadingKeys.Frame parent = LoadingKeys.current();
        AsyncLoader<Object> onPool = ctx -> CompletableFuture.supplyAsync(() -> {
            LoadingKeys.Frame outer = LoadingKeys.enter(parent, this, formatted);
            try {
                return callSync(loader, ctx);
            } finally {
                LoadingKeys.exit(outer);
            }
        }, context.loaders());
        CompletableFuture<Object> result = loadAsync(key, formatted, type, raw, onPool, ttl, false);
        try {
            return served(result.get(), raw, key);
        } catch (InterruptedException e) {
            throw Failures.interrupted(name, key, e);
        } catch (ExecutionException e) {
            throw Failures.propagate(e.getCause(), name, key);
        }
    }

    static Object callSync(Object loader, io.lamina.cache.LoadContext ctx) {
        try {
            return loader instanceof Loader<?> plain ? plain.load() : ((ContextLoader<?>) loader).load(ctx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    // ---- filling L1 -----------------------------------------------------------------------------------

    /** Stores a loaded value in L1, unless the flight was fenced or one of its tags went stale meanwhile. */
    void fill(Flight flight, Object key, String formatted, Object value, long ttlNanos, Collection<String> tags) {
        if (!options.l1Enabled()) {
            return;
        }
        install(flight, key, entry(key, formatted, value, ttlNanos, tags, null, Long.MIN_VALUE));
    }

    /** Stores in L1 a value read from L2; its L1 life never outlives the L2 entry's freshness. */
    void fillFromRemote(Flight flight, Object key, String formatted, Object value, Envelope envelope) {
        L1Entry entry = options.l1Enabled() ? remoteEntry(key, formatted, value, envelope) : null;
        if (entry != null) {
            install(flight, key, entry);
        }
    }

    /**
     * L1 fill after a read that had no flight (the page read of {@code rememberAll}, before any key is claimed): fenced
     * by what happened in this cache since the read was sent — any fence of any key ({@link #fences}), an
     * {@code invalidateAll}, or a tag of the entry invalidated — in which case the value is served but not kept.
     */
    void fillAfterRead(Object key, String formatted, Object value, Envelope envelope, long fencesBefore, long generationBefore,
            long tagSequenceBefore) {
        L1Entry entry = options.l1Enabled() ? remoteEntry(key, formatted, value, envelope) : null;
        if (entry == null) {
            return;
        }
        L1Entry kept = l1.map().compute(key, (k, current) -> {
            if (changedSince(fencesBefore, generationBefore) || entry.taggedAfter(tagSequenceBefore)) {
                return current;
            }
            l1.indexed(entry);
            return entry;
        });
        // checked again once installed: a fence from the bus that came between the check and the install finds no key
        // object to drop (it knows only the string form, and looked before the entry was indexed), so the fill drops itself
        if (kept == entry && (changedSince(fencesBefore, generationBefore) || entry.taggedAfter(tagSequenceBefore))) {
            l1.map().remove(key, entry);
        }
    }

    private boolean changedSince(long fencesBefore, long generationBefore) {
        return fences.get() != fencesBefore || generation.get() != generationBefore;
    }

    /** Fences of single keys and of whole caches since this cache was built: a flight-less read compares them. */
    long fences() {
        return fences.get();
    }

    private final AtomicLong fences = new AtomicLong();

    private L1Entry remoteEntry(Object key, String formatted, Object value, Envelope envelope) {
        long remainingMillis = envelope.freshUntil() - context.clock().currentTimeMillis();
        if (remainingMillis <= 0) {
            return null;
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
        return entry(key, formatted, value == L1Entry.NULL ? null : value, remainingNanos, tags.subList(0, userTags), observed,
                refreshAt);
    }

    void install(Flight flight, Object key, L1Entry entry) {
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
    L1Entry entry(Object key, String formatted, Object value, long ttlNanos, Collection<String> tags, long[] observed,
            long refreshAt) {
        long now = context.clock().nanoTime();
        l1.maybeSweep(now);
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
            byte[] bytes = remote.await(remote.start(() -> remote.tier().get(rk)), Duration.ZERO, null, new RemoteAccess.What("GET of ", rk), stats);
            MissPath.Decoded found = miss.decode(bytes, type, raw, rk);
            if (found != null && found.envelope().freshAt(context.clock().currentTimeMillis())
                    && Boolean.TRUE.equals(remote.await(miss.validTags(found.envelope()), Duration.ZERO, false, new RemoteAccess.What("tags of ", rk), stats))) {
                stats.l2Hit(found.value() == L1Entry.NULL);
                return found.value();
            }
        }
        stats.miss();
        return null;
    }

    /** See {@link WritePath#put}. */
    public void put(Object key, Object value, Duration ttl, Collection<String> tags) {
        writes.put(key, value, ttl, tags);
    }

    /** See {@link WritePath#invalidate}. */
    public void invalidate(Object key, io.lamina.cache.internal.bus.Coherence bus) {
        writes.invalidate(key, bus);
    }

    /** See {@link WritePath#invalidateKeys}. */
    public void invalidateKeys(java.util.Map<String, Object> keys, io.lamina.cache.internal.bus.Coherence bus) {
        writes.invalidateKeys(keys, bus);
    }

    /** See {@link WritePath#invalidateFromBus}. */
    public void invalidateFromBus(List<String> formattedKeys) {
        writes.invalidateFromBus(formattedKeys);
    }

    /** Removes every L1 entry; every running load and refresh is fenced. */
    public void invalidateAll() {
        generation.incrementAndGet();
        fences.incrementAndGet();
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

    /** Fences the running load and refresh of a key: they can no longer store their result. */
    void fence(String formatted) {
        fences.incrementAndGet();
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

    /** L1 size without running pending maintenance: cheap, for a gauge. */
    public long l1SizeEstimate() {
        return l1.estimatedSize();
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
