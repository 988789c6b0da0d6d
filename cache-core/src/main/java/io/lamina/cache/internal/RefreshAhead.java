package io.lamina.cache.internal;

import io.lamina.cache.AsyncLoader;
import io.lamina.cache.internal.MissPath.Prepared;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.load.Failures;
import io.lamina.cache.internal.load.Flight;
import io.lamina.cache.internal.load.LoadContextImpl;
import io.lamina.cache.internal.load.LoadingKeys;
import io.lamina.cache.internal.tag.TagVersion;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Refresh-ahead for one named cache: background reloads of keys read past their refresh point. */
final class RefreshAhead {

    private final NamedCache cache;

    RefreshAhead(NamedCache cache) {
        this.cache = cache;
    }

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
        String formatted = hit.formatted() != null ? hit.formatted() : cache.context().keys().format(key);
        Flight mine = new Flight(key, null, cache.context().tags().sequence(), cache.generation());
        if (cache.flights().containsKey(formatted) || cache.refreshes().putIfAbsent(formatted, mine) != null) {
            return;
        }
        cache.stats().refreshStarted();
        try {
            cache.context().loaders().execute(() -> refresh(mine, key, formatted, type, raw, ttl, loader));
        } catch (java.util.concurrent.RejectedExecutionException full) {
            cache.refreshes().remove(formatted, mine);
            cache.stats().refreshRejected();
        }
    }

    /**
     * Runs on the loader pool, and so does the loader: the remote steps before it are awaited here (each bounded by
     * its timeout), never continued on the Redis client's I/O thread, whose other replies (this node's own
     * invalidate of the key, its reads of other keys) would wait for the loader otherwise.
     */
    private void refresh(Flight mine, Object key, String formatted, Type type, Class<?> raw, Duration ttl, Object loader) {
        CompletableFuture<Prepared> prepared;
        try {
            prepared = CompletableFuture.completedFuture(cache.awaitPrepared(cache.miss().prepareRefresh(formatted, type, raw), formatted));
        } catch (RuntimeException e) {
            prepared = CompletableFuture.failedFuture(e);
        }
        prepared.thenCompose(p -> {
            if (p.skip) {
                cache.stats().refreshSkipped();
                return CompletableFuture.completedFuture(null);
            }
            if (p.isResolved()) {
                // another node refreshed it already
                cache.fillFromRemote(mine, key, formatted, p.resolved, p.envelope);
                cache.stats().refreshCompleted();
                return CompletableFuture.completedFuture(p.resolved);
            }
            if (p.stamp != 0) {
                mine.stamp(p.stamp);
            }
            LoadContextImpl ctx = new LoadContextImpl(cache.name(), key, cache.context().maxTagsPerEntry());
            long start = cache.context().clock().nanoTime();
            CompletionStage<?> stage;
            LoadingKeys.Frame outer = LoadingKeys.enter(null, cache, formatted);
            try {
                stage = loader instanceof AsyncLoader<?> async ? async.load(ctx) : CompletableFuture.completedFuture(NamedCache.callSync(loader, ctx));
            } catch (Throwable failure) {
                stage = CompletableFuture.failedFuture(failure);
            } finally {
                LoadingKeys.exit(outer);
            }
            return stage.toCompletableFuture().handle((value, failure) -> {
                ctx.close();
                if (failure != null) {
                    p.release();
                    cache.stats().loadFailure(cache.context().clock().nanoTime() - start);
                    return CompletableFuture.failedFuture(failure);
                }
                cache.stats().loadSuccess(cache.context().clock().nanoTime() - start);
                // the fill of L1 (which runs the weigher) waits for the remote fill off the I/O threads
                return cache.context().handoff().thenCompose(cache.miss().finish(p, value, ctx, ttl), (finished, fillFailure) -> {
                    if (fillFailure != null) {
                        return CompletableFuture.failedFuture(fillFailure);
                    }
                    if (finished.fillL1()) {
                        cache.fill(mine, key, formatted, value, finished.ttlNanos(), ctx.tagSet());
                    }
                    cache.stats().refreshCompleted();
                    return CompletableFuture.completedFuture((Object) value);
                });
            }).thenCompose(f -> f);
        }).whenComplete((value, failure) -> {
            cache.refreshes().remove(formatted, mine);
            if (failure != null) {
                cache.stats().refreshFailed();   // the current value stays until it expires
            }
        });
    }

}
