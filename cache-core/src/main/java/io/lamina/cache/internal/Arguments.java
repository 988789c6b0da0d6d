package io.lamina.cache.internal;

import io.lamina.cache.TypeRef;
import io.lamina.cache.internal.key.Names;
import io.lamina.cache.internal.load.LoadContextImpl;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** The template's argument checks and type helpers, and the loader pool it builds: static, stateless. */
final class Arguments {

    private Arguments() {
    }

    /**
     * The bounded pool for background refreshes and for loads under a timeout: daemon threads that end
     * when idle; a full queue rejects (the caller counts it), never blocks and never grows without bound.
     */
    static java.util.concurrent.ThreadPoolExecutor loaderPool(TemplateConfig config) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(
                config.loaderThreads(), config.loaderThreads(), 30, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(config.loaderQueue()), r -> {
                    Thread t = new Thread(r, "lamina-loader-" + config.namespace() + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The erasure of a {@code Class} or {@code TypeRef}, for instance checks. */
    static Class<?> raw(Object typeSpec) {
        if (typeSpec instanceof Class<?> c) {
            return c.isPrimitive() ? TypeRef.of(c).rawType() : c;
        }
        if (typeSpec == null) {
            throw new NullPointerException("type");
        }
        return ((TypeRef<?>) typeSpec).rawType();
    }

    /** The full type of a {@code Class} or {@code TypeRef}, for decoding. */
    static java.lang.reflect.Type type(Object typeSpec) {
        return typeSpec instanceof TypeRef<?> ref ? ref.type() : (Class<?>) typeSpec;
    }

    static Duration checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        return ttl;
    }

    static List<String> checkTags(String[] tags, int max) {
        Objects.requireNonNull(tags, "tags");
        for (String tag : tags) {
            Names.checkTag(tag, LoadContextImpl.MAX_TAG_LENGTH);
        }
        List<String> distinct = Arrays.stream(tags).distinct().toList();
        if (distinct.size() > max) {
            throw new IllegalArgumentException("an entry may carry at most " + max + " tags, got " + distinct.size());
        }
        return distinct;
    }
}
