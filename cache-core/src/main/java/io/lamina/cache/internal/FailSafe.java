package io.lamina.cache.internal;

import io.lamina.cache.AsyncLoader;
import io.lamina.cache.internal.MissPath.Prepared;
import io.lamina.cache.internal.envelope.Envelope;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.internal.l1.L1Entry;
import io.lamina.cache.internal.load.Failures;
import io.lamina.cache.internal.load.Flight;
import io.lamina.cache.internal.load.LoadContextImpl;
import io.lamina.cache.internal.tag.TagVersion;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fail-safe and loader timeouts for one named cache: which stale value may stand in when a load fails,
 * serving it (with the throttle), and the guard that turns a load's outcome, a soft timeout or a hard
 * timeout into what the caller gets.
 */
final class FailSafe {

    private final NamedCache cache;

    FailSafe(NamedCache cache) {
        this.cache = cache;
    }

    /**
     * The value to serve if this load fails: the L1 copy past its freshness (kept for the fail-safe
     * window, its tags still current), else the stale entry L2 still holds. Null when fail-safe is off.
     */
    Object staleFor(Object key, Type type, Class<?> raw, Prepared p) {
        if (!cache.options().failSafeOn()) {
            return null;
        }
        L1Entry e = cache.l1().live(key);
        if (e != null && e.tagsCurrent() && (e.value() == L1Entry.NULL || raw.isInstance(e.value()))) {
            return e.value();
        }
        return p != null && p.stale != null ? cache.miss().staleValue(p.stale, type, raw, p.key) : null;
    }

    /** As {@link #staleFor(Object, Type, Class, Prepared)} for one key of a bulk load. */
    Object staleFor(Object key, Type type, Class<?> raw, Envelope stale, RemoteKey rk) {
        if (!cache.options().failSafeOn()) {
            return null;
        }
        L1Entry e = cache.l1().live(key);
        if (e != null && e.tagsCurrent() && (e.value() == L1Entry.NULL || raw.isInstance(e.value()))) {
            return e.value();
        }
        return stale != null ? cache.miss().staleValue(stale, type, raw, rk) : null;
    }

    /**
     * Serves a stale value after a failed or timed-out load, and lets it stand in as fresh for
     * {@code failSafeThrottle}, so the loader is not retried for the key at once (unless the key is
     * written meanwhile: the stand-in goes through the same fenced install).
     */
    Object serveStale(Flight flight, Object key, String formatted, Object stale) {
        cache.stats().staleServed();
        if (cache.options().l1Enabled()) {
            long until = Durations.saturatedAdd(cache.context().clock().nanoTime(), Durations.toNanos(cache.options().failSafeThrottle()));
            L1Entry current = cache.l1().get(key);
            L1Entry standIn = current != null && current.value() == stale ? current.asStale(until)
                    : new L1Entry(key, formatted, stale, until, Long.MAX_VALUE, until, new TagVersion[0], new long[0], true);
            cache.install(flight, key, standIn);
        }
        return stale;
    }

    /**
     * What an asynchronous caller (or a synchronous one under a timeout) gets: the load's value; or, when
     * the load fails, the stale value fail-safe kept; or, past {@code softTimeout}, the stale value while the
     * load goes on; or, past {@code hardTimeout}, the stale value or a {@link io.lamina.cache.CacheLoadTimeoutException}.
     * Never blocks: timeouts fire from a delayed executor, as tasks of the template's executor (the user's callbacks
     * on the caller's future run there, never on the JDK's delay thread nor an I/O thread).
     */
    CompletableFuture<Object> guard(Flight flight, Object key, String formatted, Class<?> raw, CompletableFuture<Object> load) {
        if (!cache.options().failSafeOn() && !cache.options().timed()) {
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
        if (cache.options().softTimeout() != null) {
            cache.context().handoff().delayed(cache.options().softTimeout().toNanos()).execute(() -> {
                if (settled.get()) {
                    return;
                }
                Object stale = staleOf(flight, key, raw);
                if (stale != null && settled.compareAndSet(false, true)) {
                    cache.stats().loadTimeout();
                    cache.stats().staleServed();   // the load goes on and fills the cache when it finishes
                    out.complete(stale);
                } else if (stale == null && !settled.get()) {
                    cache.stats().loadTimeout();
                }
            });
        }
        if (cache.options().hardTimeout() != null) {
            cache.context().handoff().delayed(cache.options().hardTimeout().toNanos()).execute(() -> {
                Object stale = staleOf(flight, key, raw);
                if (!settled.compareAndSet(false, true)) {
                    return;
                }
                if (cache.options().softTimeout() == null) {
                    cache.stats().loadTimeout();
                }
                if (stale != null) {
                    out.complete(serveStale(flight, key, formatted, stale));
                } else {
                    out.completeExceptionally(new io.lamina.cache.CacheLoadTimeoutException("the load of key " + key
                            + " in cache '" + cache.name() + "' took longer than hardTimeout " + cache.options().hardTimeout()
                            + "; it goes on in the background"));
                }
            });
        }
        return out;
    }

    /**
     * {@link #guard} for a bulk load of {@code misses} (string form → key), whose keys' flights (led or joined) are in
     * {@code flights}. Per key, as for {@code remember}; for the call, one answer: past {@code softTimeout}, when every
     * key still loading has a stale value, the call completes with them (and the values already loaded) while the load
     * goes on and stores its result; when a key has none, the call waits on. Past {@code hardTimeout}, the same with
     * the stale values standing in for {@code failSafeThrottle}, or, when a key still loading has no stale value, a
     * {@link io.lamina.cache.CacheLoadTimeoutException}; the load goes on in the background either way. Each timeout is
     * counted once per key still loading. Never blocks.
     */
    CompletableFuture<java.util.Map<String, Object>> guardAll(java.util.Map<String, Object> misses, java.util.Map<String, Flight> flights,
            Class<?> raw, CompletableFuture<java.util.Map<String, Object>> load) {
        if (!cache.options().timed()) {
            return load;
        }
        CompletableFuture<java.util.Map<String, Object>> out = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
        load.whenComplete((values, failure) -> {
            if (settled.compareAndSet(false, true)) {
                if (failure == null) {
                    out.complete(values);
                } else {
                    out.completeExceptionally(Failures.unwrap(failure));
                }
            }
        });
        if (cache.options().softTimeout() != null) {
            cache.context().handoff().delayed(cache.options().softTimeout().toNanos()).execute(() -> {
                if (settled.get()) {
                    return;
                }
                Answers now = answers(misses, flights, raw);
                for (int i = 0; i < now.loading; i++) {
                    cache.stats().loadTimeout();
                }
                if (now.missing == 0 && settled.compareAndSet(false, true)) {
                    for (int i = 0; i < now.stale.size(); i++) {
                        cache.stats().staleServed();   // the load goes on and fills the cache when it finishes
                    }
                    out.complete(now.values);
                }
            });
        }
        if (cache.options().hardTimeout() != null) {
            cache.context().handoff().delayed(cache.options().hardTimeout().toNanos()).execute(() -> {
                if (settled.get()) {
                    return;
                }
                Answers now = answers(misses, flights, raw);
                if (!settled.compareAndSet(false, true)) {
                    return;
                }
                if (cache.options().softTimeout() == null) {
                    for (int i = 0; i < now.loading; i++) {
                        cache.stats().loadTimeout();
                    }
                }
                if (now.missing == 0) {
                    for (String formatted : now.stale) {
                        Flight flight = flights.get(formatted);
                        serveStale(flight != null ? flight : new Flight(misses.get(formatted), null, 0, -1), misses.get(formatted),
                                formatted, now.values.get(formatted));
                    }
                    out.complete(now.values);
                } else {
                    out.completeExceptionally(new io.lamina.cache.CacheLoadTimeoutException("the bulk load of " + misses.size()
                            + " keys in cache '" + cache.name() + "' took longer than hardTimeout " + cache.options().hardTimeout()
                            + "; " + now.missing + " of them have no stale value; it goes on in the background"));
                }
            });
        }
        return out;
    }

    /** What a bulk call could answer now: each key's loaded or stale value; how many keys still load, and lack one. */
    private static final class Answers {
        final java.util.Map<String, Object> values = new java.util.HashMap<>();
        final java.util.List<String> stale = new java.util.ArrayList<>();
        int loading;
        int missing;
    }

    private Answers answers(java.util.Map<String, Object> misses, java.util.Map<String, Flight> flights, Class<?> raw) {
        Answers a = new Answers();
        misses.forEach((formatted, key) -> {
            Flight flight = flights.get(formatted);
            if (flight != null && flight.future().isDone() && !flight.future().isCompletedExceptionally()) {
                a.values.put(formatted, flight.future().join());
                return;
            }
            a.loading++;
            Object stale = flight != null ? staleOf(flight, key, raw) : staleFor(key, null, raw, null);
            if (stale == null) {
                a.missing++;
            } else {
                a.values.put(formatted, stale);
                a.stale.add(formatted);
            }
        });
        return a;
    }

    private Object staleOf(Flight flight, Object key, Class<?> raw) {
        Object stale = flight.stale();
        return stale != null ? stale : staleFor(key, null, raw, null);
    }

}
