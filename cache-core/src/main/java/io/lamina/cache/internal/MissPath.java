package io.lamina.cache.internal;

import io.lamina.cache.CacheLockTimeoutException;
import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.internal.envelope.CorruptEnvelopeException;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.internal.envelope.EntrySigner;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.load.LoadContextImpl;
import io.lamina.cache.internal.remote.RemoteAccess;
import io.lamina.cache.spi.CodecException;
import io.lamina.cache.spi.DistributedLock;
import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.TagKey;
import io.lamina.cache.internal.tag.TagRegistry;
import io.lamina.cache.internal.tag.TagVersion;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The remote half of a miss, shared by the synchronous and the asynchronous path: {@link #prepare} runs
 * before the loader (L2 read, then the re-read with the fill lease taken only if free; the lock across JVMs only
 * when another node holds the lease), {@link #finish} after it (fenced fill of L2, which ends the lease). The loader itself runs between them on the caller's terms: on
 * the calling thread for {@code remember}, as a stage for {@code rememberAsync}.
 *
 * <p>Every remote failure degrades to a local-only load, counted and logged; only
 * {@link LockTimeoutPolicy#FAIL} makes {@code prepare} fail.
 */
final class MissPath {

    private static final AtomicLong TOKENS = new AtomicLong();

    private final NamedCache cache;
    private final RemoteAccess remote;
    private final String tokenPrefix;

    MissPath(NamedCache cache, RemoteAccess remote, String nodeId) {
        this.cache = cache;
        this.remote = remote;
        this.tokenPrefix = nodeId + ":";
        this.cacheTag = cacheTag(cache.name());
        this.knownTag = Envelope.known(cacheTag);
        this.cacheTagView = cache.context().tags().version(cacheTag);
    }

    /**
     * This JVM's view of {@link #cacheTag}, held here: every stored entry carries the tag, so every read checks it. The
     * registry keeps views weakly and forgets a view by resetting it, never by replacing it, so this stays the one view.
     */
    private final TagVersion cacheTagView;

    /** {@link #cacheTag(String)} of this cache, built once: every stored entry is checked against it. */
    private final String cacheTag;
    /** The cache's tag, which every entry carries, as the envelope parser matches it (null: not ASCII). */
    private final Envelope.Known knownTag;

    /** What {@link #prepare} found: a value to serve without loading, or how to store a load. */
    static final class Prepared {
        final RemoteKey key;
        final String token;
        final DistributedLock.Handle lock;
        final boolean remoteUsable;
        final boolean leased;
        final Object resolved;
        final Envelope envelope;
        final Envelope stale;
        Type type;
        long stamp;
        boolean skip;
        /** Whether the lease step read a stored entry (one that could not be served). */
        boolean read;
        /** Deletes the fill lease if it still holds this miss's token; null when it holds none. */
        Runnable giveBackLease;

        private Prepared(RemoteKey key, String token, DistributedLock.Handle lock, boolean remoteUsable, boolean leased,
                Object resolved, Envelope envelope, Envelope stale) {
            this.key = key;
            this.token = token;
            this.lock = lock;
            this.remoteUsable = remoteUsable;
            this.leased = leased;
            this.resolved = resolved;
            this.envelope = envelope;
            this.stale = stale;
        }

        static Prepared localOnly(RemoteKey key) {
            return new Prepared(key, null, null, false, false, null, null, null);
        }

        /** A refresh another node is doing: nothing to do here. */
        static Prepared skipped(RemoteKey key) {
            Prepared p = localOnly(key);
            p.skip = true;
            return p;
        }

        /** Served from L2 ({@code envelope} set) or as a stale value ({@code envelope} null). */
        boolean isResolved() {
            return resolved != null;
        }

        /** Ends this miss's hold on the key: unlocks, and gives the fill lease back if it still holds one. */
        void release() {
            unlock();
            Runnable give = giveBackLease;
            giveBackLease = null;
            if (give != null) {
                give.run();
            }
        }

        /** Unlocks only: after a fill, which ended the lease itself. */
        void unlock() {
            if (lock != null && lock.acquired()) {
                lock.unlock();
            }
        }
    }

    /** A decoded stored entry. */
    record Decoded(Envelope envelope, Object value) {
    }

    boolean hasRemote() {
        return remote != null;
    }

    CompletableFuture<Prepared> prepare(String formatted, Type type, Class<?> raw) {
        RemoteKey rk = new RemoteKey(cache.context().namespace(), cache.name(), formatted);
        if (remote == null) {
            return CompletableFuture.completedFuture(Prepared.localOnly(rk));
        }
        return prepareRemote(rk, type, raw).thenApply(p -> {
            p.type = type;
            return p;
        });
    }

    /**
     * The first step of a miss in L2, one round trip ({@link io.lamina.cache.spi.RemoteTier#readOrLease}): the stored entry,
     * or, when none is stored, the key's fill lease if it is free. So an uncontended cold miss costs this script and the
     * fill. An entry stored but not servable (stale, its tags invalidated, unreadable) is claimed as before
     * ({@link #claim}); no entry and another node's lease is a breakdown ({@link #lockAndLease}). While this JVM does
     * not know the cache's own tag, the tag is made sure of first (see {@link #ensureCacheTag}), so that the lease's
     * stamp follows it.
     */
    private CompletableFuture<Prepared> prepareRemote(RemoteKey rk, Type type, Class<?> raw) {
        CompletableFuture<Void> cacheTag = ensureCacheTag();
        if (cacheTag.isDone()) {
            return readOrLease(rk, type, raw);
        }
        return cacheTag.thenCompose(ignored -> readOrLease(rk, type, raw));
    }

    private CompletableFuture<Prepared> readOrLease(RemoteKey rk, Type type, Class<?> raw) {
        return lease(rk, null, LeaseMode.READ_OR_LEASE, false, type, raw, null).thenCompose(p -> {
            if (p.isResolved() || !p.remoteUsable || p.leased) {
                return CompletableFuture.completedFuture(p);
            }
            if (p.read) {
                return claim(rk, type, raw, p.stale);   // an entry was stored, so no lease was asked for
            }
            return lockAndLease(rk, type, raw, null);
        });
    }

    /**
     * After an L2 miss: the fill lease, taken only if free, in the same script that re-reads the entry. Uncontended,
     * that is the whole claim (the lease gives exclusion across nodes and fences the fill): the miss costs the GET,
     * this script and the fill. Only when another node holds the lease (a breakdown) is the Redisson lock taken, to
     * wait for that node's value without every waiter polling Redis ({@link #lockAndLease}).
     */
    private CompletableFuture<Prepared> claim(RemoteKey rk, Type type, Class<?> raw, Envelope stale) {
        return lease(rk, null, LeaseMode.IF_FREE, false, type, raw, stale).thenCompose(p -> {
            if (p.isResolved() || !p.remoteUsable || p.leased) {
                return CompletableFuture.completedFuture(p);
            }
            return lockAndLease(rk, type, raw, stale);
        });
    }

    /**
     * A miss that found another node's fill lease: waits for that node's value. The Redisson lock is tried for at most
     * one operation timeout: the first waiter takes it at once and polls Redis for the value while it holds it, so
     * later waiters wait on the lock's channel rather than poll too; a waiter that does not get it that quickly (another
     * waiter holds it, or Redisson is slow, as after a Redis restart) polls by itself. Lock and polls together wait at
     * most {@code lockWait}; then the lock-timeout policy applies ({@link #retryOrGiveUp}).
     */
    private CompletableFuture<Prepared> lockAndLease(RemoteKey rk, Type type, Class<?> raw, Envelope stale) {
        ResolvedOptions options = cache.options();
        Duration lease = remote.tier().lockLease();
        long start = cache.context().clock().nanoTime();
        long deadline = System.nanoTime() + options.lockWait().toNanos();
        Duration lockTry = options.lockWait().compareTo(remote.tier().operationTimeout()) < 0 ? options.lockWait()
                : remote.tier().operationTimeout();
        return remote.start(() -> remote.tier().lock().tryLock(rk, lockTry, lease)).handle((handle, failure) -> {
            if (failure != null) {
                // the lock's health never decides the data path: the fill lease, taken only if free, still makes one
                // load per key across nodes; a node that finds it taken waits for the holder's value in L2
                remote.failed("lock of " + rk + " (the fill lease stands in for it)", failure, cache.stats());
                cache.stats().lockFallback();
                return leaseWithoutLock(rk, type, raw, stale, start, deadline);
            }
            if (!handle.acquired()) {
                return leaseWithoutLock(rk, type, raw, stale, start, deadline);
            }
            // the lease, not the lock, decides who loads: a node whose lock failed (and that took the lease only if free)
            // may be loading now; then this one waits for its value as well
            return lease(rk, handle, LeaseMode.IF_FREE, false, type, raw, stale).thenCompose(p -> {
                if (p.isResolved() || !p.remoteUsable || p.leased) {
                    waited(p, start);
                    return CompletableFuture.completedFuture(p);
                }
                // the lock is kept while this node polls for the holder's value: nodes that arrive later wait on
                // Redisson's lock channel instead of polling Redis too
                return awaitHolder(rk, type, raw, stale, start, deadline).whenComplete((found, waitFailure) -> p.unlock());
            });
        }).thenCompose(f -> f);
    }

    /**
     * Without the lock: takes the fill lease only if no one holds it. Its holder loads; the others re-read L2 every
     * {@link #LEASE_POLL} until the holder's value is there or {@code lockWait} has passed, and then act as after a
     * lock timeout (the lock-timeout policy). Lock waits are counted as such.
     */
    private CompletableFuture<Prepared> leaseWithoutLock(RemoteKey rk, Type type, Class<?> raw, Envelope stale, long start,
            long deadline) {
        return lease(rk, null, LeaseMode.IF_FREE, false, type, raw, stale).thenCompose(p -> {
            if (p.isResolved() || !p.remoteUsable || p.leased) {
                waited(p, start);
                return CompletableFuture.completedFuture(p);
            }
            return awaitHolder(rk, type, raw, stale, start, deadline);
        });
    }

    /**
     * A miss that found another node's lease and, on its next read, the holder's value (or the lease free, the holder
     * having given up): a lock wait that ended well, however short. Not one when Redis failed.
     */
    private void waited(Prepared p, long start) {
        if (p.remoteUsable && (p.isResolved() || p.leased)) {
            cache.stats().lockWaited(true, cache.context().clock().nanoTime() - start);
        }
    }

    static final Duration LEASE_POLL = Duration.ofMillis(25);

    /**
     * Waits for the node holding the key's fill lease: every {@link #LEASE_POLL} the lease script again (the entry, and
     * the lease if it is free now). A fresh entry with current tags ends the wait; a free lease too, and then this node
     * loads: the holder gave its lease back without filling (its load failed, or its value was stale on arrival), so
     * nobody else will. Reading only the entry would wait out {@code lockWait} for a value that never comes.
     */
    private CompletableFuture<Prepared> awaitHolder(RemoteKey rk, Type type, Class<?> raw, Envelope stale, long start, long deadline) {
        // the delay thread only sends the script (non-blocking); what follows runs where the reply arrives
        Executor later = CompletableFuture.delayedExecutor(LEASE_POLL.toNanos(), TimeUnit.NANOSECONDS, Runnable::run);
        return CompletableFuture.supplyAsync(() -> null, later)
                .thenCompose(ignored -> lease(rk, null, LeaseMode.IF_FREE, false, type, raw, stale))
                .thenCompose(p -> {
                    if (p.isResolved() || p.leased || !p.remoteUsable) {   // Redis failed: a load in this JVM, not stored
                        waited(p, start);
                        return CompletableFuture.completedFuture(p);
                    }
                    return retryOrGiveUp(rk, type, raw, stale, start, deadline);
                });
    }

    private CompletableFuture<Prepared> retryOrGiveUp(RemoteKey rk, Type type, Class<?> raw, Envelope stale, long start, long deadline) {
        // the deadline is in real time (System.nanoTime), like Redisson's lock wait: a waiter never outlives lockWait,
        // whatever the template's clock says; the wait is measured for the stats on the template's clock
        long now = System.nanoTime();
        if (now - deadline < 0) {
            return awaitHolder(rk, type, raw, stale, start, deadline);
        }
        cache.stats().lockWaited(false, cache.context().clock().nanoTime() - start);
        ResolvedOptions options = cache.options();
        if (options.onLockTimeout() == LockTimeoutPolicy.FAIL) {
            return CompletableFuture.failedFuture(new CacheLockTimeoutException("key " + rk.key() + " of cache '" + rk.cache()
                    + "' is being loaded by another node; gave up after lockWait " + options.lockWait()));
        }
        if (options.onLockTimeout() == LockTimeoutPolicy.STALE && stale != null) {
            Object value = stale.isNull() ? L1Entry.NULL : decodePayload(stale, type, raw, rk);
            if (value != null) {
                return CompletableFuture.completedFuture(new Prepared(rk, null, null, true, false, value, null, stale));
            }
        }
        return lease(rk, null, LeaseMode.IF_FREE, false, type, raw, stale);
    }

    /**
     * Before a background refresh: the re-read with the fill lease, taken only if free (another node holding it is
     * loading or refreshing the key, so this one skips). A stored entry that is no longer past its refresh point was
     * refreshed by another node meanwhile and is used as it is.
     */
    CompletableFuture<Prepared> prepareRefresh(String formatted, Type type, Class<?> raw) {
        RemoteKey rk = new RemoteKey(cache.context().namespace(), cache.name(), formatted);
        if (remote == null) {
            return CompletableFuture.completedFuture(Prepared.localOnly(rk));
        }
        // the fill lease, taken only if free, decides: a node holding it is loading or refreshing the key, so this one
        // skips; no lock is taken
        return lease(rk, null, LeaseMode.IF_FREE, true, type, raw, null).thenApply(p -> {
            Prepared out = p.isResolved() || !p.remoteUsable || p.leased ? p : Prepared.skipped(rk);
            out.type = type;
            return out;
        });
    }

    /**
     * Makes sure the cache's own tag, which every stored entry carries, exists in Redis before this miss takes its
     * lease, in parallel with the miss's first read and only while this JVM does not know the tag's version (the
     * first miss of a cache, and the first after a bus gap). A tag a load creates only when it stores its value is
     * created at that load's stamp, which makes every load of the same cache that started earlier stale on
     * arrival: on a cold start, concurrent first loads of different keys would each be done twice. Created here at
     * the remote clock, the tag is older than the stamp of every lease that follows. A failure is ignored: the
     * fill creates the tag as before.
     */
    CompletableFuture<Void> ensureCacheTag() {
        String tag = cacheTag;
        TagVersion view = cacheTagView;
        if (view.known()) {
            return CompletableFuture.completedFuture(null);
        }
        long now = now();
        return remote.start(() -> remote.tier().ensureTag(tagKey(tag), 0, cache.context().tagTtl())).handle((version, failure) -> {
            // a failure is not counted: the read beside it fails too and is counted, or the fill creates the tag
            if (failure == null && learn(view, version)) {
                view.touched(now);
            }
            return null;
        });
    }

    /** The value of a stale stored entry (for fail-safe), decoded for the caller's type; null if unreadable. */
    Object staleValue(Envelope stale, Type type, Class<?> raw, RemoteKey rk) {
        if (type == null) {
            return null;
        }
        return stale.isNull() ? L1Entry.NULL : decodePayload(stale, type, raw, rk);
    }

    private boolean pastRefreshPoint(Envelope envelope) {
        return cache.options().refreshAtMillis(envelope.createdAt(), envelope.freshUntil()) <= now();
    }

    /** How {@link #lease} asks for the fill lease. */
    enum LeaseMode {
        /** Only if no one holds it. */
        IF_FREE,
        /** Only if no one holds it and no entry is stored: the first step of a miss ({@code readOrLease}). */
        READ_OR_LEASE
    }

    private CompletableFuture<Prepared> lease(RemoteKey rk, DistributedLock.Handle lock, LeaseMode mode, boolean refreshing,
            Type type, Class<?> raw, Envelope stale) {
        String token = tokenPrefix + TOKENS.incrementAndGet();
        Duration leaseTtl = remote.tier().lockLease();
        return remote.start(() -> mode == LeaseMode.READ_OR_LEASE ? remote.tier().readOrLease(rk, token, leaseTtl)
                : remote.tier().getOrLease(rk, token, leaseTtl, true)).handle((LeaseResult result, Throwable failure) -> {
            if (failure != null) {
                remote.failed("lease of " + rk, failure, cache.stats());
                return CompletableFuture.completedFuture(new Prepared(rk, null, lock, false, false, null, null, stale));
            }
            cache.context().tags().remoteTime(result.stamp());   // the remote clock, which bounds the versions learned
            Decoded found = decode(result.value(), type, raw, rk);
            CompletableFuture<Boolean> valid = found == null ? CompletableFuture.completedFuture(false) : validTags(found.envelope());
            return valid.thenApply(ok -> {
                if (ok && found.envelope().freshAt(now()) && !(refreshing && pastRefreshPoint(found.envelope()))) {
                    Prepared served = new Prepared(rk, null, lock, true, false, found.value(), found.envelope(), null);
                    if (result.leased()) {
                        served.giveBackLease = giveBack(rk, token);
                    }
                    served.release();
                    return served;
                }
                Prepared p = new Prepared(rk, token, lock, true, result.leased(), null, null, ok ? found.envelope() : stale);
                p.stamp = result.stamp();
                p.read = result.value() != null;
                if (result.leased()) {
                    p.giveBackLease = giveBack(rk, token);
                }
                return p;
            });
        }).thenCompose(f -> f);
    }

    /**
     * Gives a fill lease back (deletes it if it still holds {@code token}), so that a load which ends without
     * filling (a loader failure, a value not cacheable or not encodable, a value served instead) never makes the
     * next miss of the key, on any node, wait for a lease nobody will fill. Failures are ignored: the lease expires.
     */
    private Runnable giveBack(RemoteKey rk, String token) {
        return () -> remote.start(() -> remote.tier().releaseLease(rk, token)).exceptionally(e -> null);
    }

    /** What {@link #finish} decided: whether to fill L1, and the entry's TTL (the same one stored in L2). */
    record Finished(boolean fillL1, long ttlNanos) {
    }

    /**
     * Whether every tag of a stored entry still has the version the entry observed. Fails closed: an entry
     * without its cache's own tag (which every entry Lamina writes carries, last) is invalid, as it would survive
     * {@code invalidateAll}. Tags this JVM knows are checked without I/O; unknown ones are read from Redis (in
     * parallel) and remembered. A version is never learned from the entry: one the entry observed that is newer
     * than this JVM's view (the view lags the bus, or the entry is forged) is read from Redis, and the entry is
     * valid only if Redis has exactly that version; one above the remote clock plus the skew bound is forged and
     * not even read. A tag Redis no longer has invalidates the entry.
     */
    private static final CompletableFuture<Boolean> VALID = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> INVALID = CompletableFuture.completedFuture(false);

    CompletableFuture<Boolean> validTags(Envelope envelope) {
        List<String> tags = envelope.tags();
        long[] observedVersions = envelope.tagVersions();
        if (tags.isEmpty() || observedVersions.length != tags.size() || !tags.get(tags.size() - 1).equals(cacheTag)) {
            return INVALID;
        }
        // the common case first, without allocating: every tag known at least as new as the entry's version
        boolean current = true;
        int last = tags.size() - 1;
        for (int i = 0; i <= last && current; i++) {
            TagVersion view = i == last ? cacheTagView : cache.context().tags().version(tags.get(i));
            if (!view.known() || view.version() < observedVersions[i]) {
                current = false;
            } else if (view.version() != observedVersions[i]) {
                return INVALID;
            }
        }
        if (current) {
            return VALID;
        }
        CompletableFuture<?>[] fetches = new CompletableFuture<?>[tags.size()];
        boolean[] valid = {true};
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            long observed = observedVersions[i];
            TagVersion view = cache.context().tags().version(tag);
            if (view.known() && view.version() >= observed) {
                fetches[i] = CompletableFuture.completedFuture(null);
                check(view, observed, valid);
            } else if (!cache.context().tags().plausible(observed)) {
                fetches[i] = CompletableFuture.completedFuture(null);
                invalid(valid);
            } else {
                fetches[i] = view.read(() -> remote.start(() -> remote.tier().tagVersion(tagKey(tag)))).handle((version, failure) -> {
                    if (failure != null) {
                        remote.failed("version of tag " + tag, failure, cache.stats());
                        invalid(valid);
                    } else if (version == null || !learn(view, version)) {
                        invalid(valid);
                    } else {
                        check(view, observed, valid);
                    }
                    return null;
                });
            }
        }
        return CompletableFuture.allOf(fetches).thenApply(ignored -> {
            synchronized (valid) {
                return valid[0];
            }
        });
    }

    /** Valid only at exactly the version this JVM knows: lower was invalidated since, higher is not Redis's. */
    private static void check(TagVersion view, long observed, boolean[] valid) {
        if (view.version() != observed) {
            invalid(valid);
        }
    }

    private static void invalid(boolean[] valid) {
        synchronized (valid) {
            valid[0] = false;
        }
    }

    /**
     * Learns a version Redis returned for {@code view}'s tag, unless it is above the remote clock plus the skew bound
     * (a planted tag key): then it is rejected (counted, the tag forgotten) and the caller treats the tag as failed.
     */
    private boolean learn(TagVersion view, long version) {
        if (!cache.context().tags().plausible(version)) {
            cache.context().tags().reject(view);
            return false;
        }
        view.advanceTo(version);
        return true;
    }

    /**
     * The current version of each tag a load's entry carries: known ones from this JVM's view, the others
     * from Redis, created at the load's stamp if Redis has none. Null when any of them failed.
     *
     * <p>Stored tags live {@code tagTtl} after they were last kept alive, and an entry whose tag Redis lost
     * counts as invalidated. So a fill also keeps alive the known tags this JVM has not kept alive for half a
     * {@code tagTtl} (the same script, in parallel): a tag in use never expires, and a node that starts (or
     * forgets its versions after a gap) does not find every entry of a long-lived cache invalidated.
     */
    CompletableFuture<long[]> tagVersions(List<String> tags, long stamp) {
        long[] versions = new long[tags.size()];
        CompletableFuture<?>[] fetches = new CompletableFuture<?>[tags.size()];
        long now = now();
        long staleBefore = now - cache.context().tagTtl().toMillis() / 2;
        for (int i = 0; i < tags.size(); i++) {
            int at = i;
            String tag = tags.get(i);
            TagVersion view = cache.context().tags().version(tag);
            if (view.known() && !view.touchedBefore(staleBefore)) {
                versions[i] = view.version();
                fetches[i] = CompletableFuture.completedFuture(null);
            } else {
                fetches[i] = remote.start(() -> remote.tier().ensureTag(tagKey(tag), stamp, cache.context().tagTtl()))
                        .thenAccept(version -> {
                            if (!learn(view, version)) {
                                throw new IllegalStateException("Redis holds a far-future version of tag " + tag
                                        + " (planted?): " + version + " is above the remote clock plus " + TagRegistry.MAX_SKEW);
                            }
                            view.touched(now);
                            versions[at] = view.version();
                        });
            }
        }
        return CompletableFuture.allOf(fetches).handle((ignored, failure) -> {
            if (failure != null) {
                remote.failed("versions of tags " + tags, failure, cache.stats());
                return null;
            }
            return versions;
        });
    }

    TagKey tagKey(String tag) {
        return new TagKey(cache.context().namespace(), cache.context().keys().format(tag));
    }

    /**
     * Stores a loaded value: in L2 through the fenced fill when this load holds the lease, then releases
     * the lock. L1 is filled when L2 took the value, or when L2 is unusable (local-only), never when the
     * lease was lost (the key was written meanwhile) or the value could not be encoded.
     */
    CompletableFuture<Finished> finish(Prepared p, Object value, LoadContextImpl ctx, Duration callTtl) {
        ResolvedOptions options = cache.options();
        if ((value == null && !options.cacheNulls()) || !ctx.cacheable()) {
            p.release();
            return CompletableFuture.completedFuture(new Finished(false, 0));
        }
        Duration ttl = ctx.ttlOverride() != null ? ctx.ttlOverride()
                : value == null ? options.nullTtl()
                : callTtl != null ? callTtl : options.ttl();
        long ttlNanos = options.jitteredNanos(ttl);
        if (!p.remoteUsable) {
            p.release();
            return CompletableFuture.completedFuture(new Finished(true, ttlNanos));
        }
        if (!p.leased) {
            p.release();
            return CompletableFuture.completedFuture(new Finished(false, ttlNanos));
        }
        List<String> tags = withCacheTag(ctx.tagSet());
        return tagVersions(tags, p.stamp).thenCompose(versions -> {
            if (versions == null) {
                p.release();
                return CompletableFuture.completedFuture(new Finished(false, ttlNanos));
            }
            for (long v : versions) {
                if (v > p.stamp) {
                    // a tag of this value was invalidated while it loaded: stale on arrival, stored nowhere
                    p.release();
                    return CompletableFuture.completedFuture(new Finished(false, ttlNanos));
                }
            }
            byte[] bytes;
            try {
                bytes = stored(envelope(value, p.type, ttlNanos, tags, versions), p.key);
            } catch (CodecException e) {
                p.release();
                remote.unreadable("value of " + p.key + " (not stored)", e, cache.stats());
                return CompletableFuture.completedFuture(new Finished(false, ttlNanos));
            }
            Duration l2Ttl = Duration.ofNanos(Durations.saturatedAdd(ttlNanos, Durations.toNanos(options.failSafe())));
            return remote.start(() -> remote.tier().fill(p.key, p.token, bytes, l2Ttl)).handle((stored, failure) -> {
                if (failure == null) {
                    p.unlock();   // the fill ended the lease (stored), or another write had (fenced)
                } else {
                    p.release();  // the fill may not have run: give the lease back, or the next miss would wait for it
                }
                if (failure != null) {
                    remote.failed("fill of " + p.key, failure, cache.stats());
                    // the lease may still be in Redis (the give-back fails as the fill did, when Redis is unreachable):
                    // replayed as an invalidation of the key, which removes it, once Redis answers; until then other
                    // nodes' misses of the key would wait for a fill that will not come
                    remote.replays().failed(io.lamina.cache.internal.replay.Intent.key(cache.name(), p.key.key()));
                    return new Finished(true, ttlNanos);
                }
                return new Finished(stored, ttlNanos);
            });
        });
    }

    /** The entry's tags plus the cache's own tag, which {@code invalidateAll} of the cache advances. */
    List<String> withCacheTag(Collection<String> tags) {
        List<String> all = new ArrayList<>(tags.size() + 1);
        all.addAll(tags);
        all.add(cacheTag);
        return all;
    }

    /** The implicit tag every stored entry of a cache carries; user tags cannot hold control characters. */
    static String cacheTag(String cacheName) {
        return "\u0001cache:" + cacheName;
    }

    /**
     * The envelope of a value written now with a TTL of {@code ttlNanos}; encodes the payload. {@code type} is the
     * caller's declared type, or null where the caller named none ({@code put}, {@code putAll}): then the value's
     * class stands in, and its shape is stored only when the class alone is the whole type (no type parameters,
     * so not an {@code ArrayList} of something); otherwise {@link Envelope#NO_SHAPE}, which readers accept.
     */
    Envelope envelope(Object value, Type type, long ttlNanos, List<String> tags, long[] versions) {
        long now = now();
        long freshUntil = now + Math.max(1, ttlNanos / 1_000_000L);
        if (value == null) {
            return new Envelope(now, freshUntil, true, Envelope.NO_SHAPE, List.copyOf(tags), versions, new byte[0]);
        }
        Type written = type != null ? type : value.getClass();
        byte[] payload = cache.context().codec().encode(value, written);
        long shape = type != null || value.getClass().getTypeParameters().length == 0
                ? cache.context().codec().fingerprint(written) : Envelope.NO_SHAPE;
        return new Envelope(now, freshUntil, false, shape, List.copyOf(tags), versions, payload);
    }

    /** The bytes to store for {@code envelope} at {@code rk}: signed when the template has a signing key. */
    byte[] stored(Envelope envelope, RemoteKey rk) {
        byte[] bytes = envelope.encode();
        EntrySigner signer = cache.context().signer();
        return signer == null ? bytes : signer.sign(rk, bytes);
    }

    /**
     * The entry in {@code bytes} read at {@code rk} with its decoded value, or null (counted, logged) when there is
     * none, it does not verify (with a signing key), or it cannot be read as {@code type}.
     */
    Decoded decode(byte[] bytes, Type type, Class<?> raw, RemoteKey rk) {
        Envelope envelope = parse(bytes, rk);
        Object value = envelope == null ? null : valueOf(envelope, type, raw, rk);
        return value == null ? null : new Decoded(envelope, value);
    }

    /** {@link #decode} in two steps, for a page: the entry in {@code bytes}, or null (counted, logged). */
    Envelope parse(byte[] bytes, RemoteKey rk) {
        if (bytes == null) {
            return null;
        }
        Envelope envelope;
        try {
            EntrySigner signer = cache.context().signer();
            if (signer == null) {
                envelope = Envelope.decode(bytes, 0, bytes.length, knownTag);
            } else {
                // before any parsing: bytes that do not verify are not even looked at
                String failure = signer.verify(rk, bytes);
                if (failure != null) {
                    remote.signatureFailure(rk.toString(), failure, cache.stats());
                    return null;
                }
                envelope = Envelope.decode(bytes, EntrySigner.HEADER, bytes.length - EntrySigner.HEADER, knownTag);
            }
        } catch (CorruptEnvelopeException e) {
            remote.unreadable(rk.toString(), e, cache.stats());
            return null;
        }
        return envelope;
    }

    /** The value of a parsed entry as {@code type} ({@link L1Entry#NULL} for null), or null (counted, logged). */
    Object valueOf(Envelope envelope, Type type, Class<?> raw, RemoteKey rk) {
        return envelope.isNull() ? L1Entry.NULL : decodePayload(envelope, type, raw, rk);
    }

    private Object decodePayload(Envelope envelope, Type type, Class<?> raw, RemoteKey rk) {
        long stored = envelope.shape();
        if (stored != Envelope.NO_SHAPE) {
            // written by another version of the class: decoding it would fill what the shapes share and leave the
            // rest null or default; a miss instead, which the next load repairs with this version's shape
            long expected = fingerprint(type);
            if (expected != Envelope.NO_SHAPE && expected != stored) {
                remote.shapeMismatch(rk.toString(), "stored shape " + Long.toHexString(stored) + ", this node's "
                        + type.getTypeName() + " has shape " + Long.toHexString(expected), cache.stats());
                return null;
            }
        }
        try {
            Object value = envelope.decodePayload(cache.context().codec(), type);
            if (!raw.isInstance(value)) {
                throw new CodecException("decoded " + value.getClass().getName() + ", not a " + raw.getName());
            }
            return value;
        } catch (CodecException | IllegalArgumentException e) {
            remote.unreadable(rk.toString(), e, cache.stats());
            return null;
        }
    }

    /** The type last decoded here and its codec fingerprint: a page decodes many values of one type. */
    private record Shape(Type type, long fingerprint) {
    }

    private volatile Shape lastShape;

    private long fingerprint(Type type) {
        Shape last = lastShape;
        if (last != null && last.type == type) {
            return last.fingerprint;
        }
        long fingerprint = cache.context().codec().fingerprint(type);
        lastShape = new Shape(type, fingerprint);
        return fingerprint;
    }

    private long now() {
        return cache.context().clock().currentTimeMillis();
    }
}
