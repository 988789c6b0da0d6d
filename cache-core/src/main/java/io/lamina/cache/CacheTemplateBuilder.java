package io.lamina.cache;

import io.lamina.cache.internal.DefaultCacheTemplate;
import io.lamina.cache.internal.TemplateConfig;
import io.lamina.cache.internal.metrics.MicrometerMetrics;
import io.lamina.cache.internal.metrics.TemplateMetrics;
import io.lamina.cache.internal.key.Names;
import io.lamina.cache.spi.Codec;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.spi.RemoteTier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Builds a {@link CacheTemplate}. Not thread-safe; every setter validates its argument at once. */
public final class CacheTemplateBuilder {

    /** Default cap on tags per entry. */
    public static final int DEFAULT_MAX_TAGS = 32;

    private String namespace = "lamina";
    private CacheOptions defaults = CacheOptions.inherit();
    private final Map<String, CacheOptions> caches = new LinkedHashMap<>();
    private CacheClock clock = CacheClock.system();
    private Codec codec;
    private int maxTagsPerEntry = DEFAULT_MAX_TAGS;
    private boolean requireDeclaredCaches;
    private RemoteTier remote;
    private Duration tagTtl = Duration.ofDays(1);
    private Duration busCheckInterval = Duration.ofSeconds(1);
    private int loaderThreads = 2;
    private int loaderQueue = 1_000;
    private int replayQueueSize = io.lamina.cache.internal.replay.ReplayQueue.DEFAULT_CAPACITY;
    private java.util.concurrent.Executor executor = java.util.concurrent.ForkJoinPool.commonPool();
    private TemplateMetrics.Factory metrics;
    private byte[] signingKey;
    private java.util.List<byte[]> acceptedSigningKeys = java.util.List.of();

    CacheTemplateBuilder() {
    }

    /**
     * The prefix of every key (and, with a remote tier, every Redis key and channel). Letters, digits,
     * {@code . _ -}, 1 to 64 characters. Default {@code lamina}.
     */
    public CacheTemplateBuilder namespace(String namespace) {
        this.namespace = Names.checkName("namespace", namespace);
        return this;
    }

    /** Options every cache inherits where its own options are unset. */
    public CacheTemplateBuilder defaults(CacheOptions defaults) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        return this;
    }

    /**
     * Declares a named cache with its options (unset options inherit the defaults). Cache names follow the
     * namespace's rules.
     *
     * @throws IllegalArgumentException if the name is invalid or already declared
     */
    public CacheTemplateBuilder cache(String name, CacheOptions options) {
        Names.checkName("cache name", name);
        Objects.requireNonNull(options, "options of cache " + name);
        if (caches.putIfAbsent(name, options) != null) {
            throw new IllegalArgumentException("cache '" + name + "' is declared twice");
        }
        return this;
    }

    /** Declares a named cache with the default options. */
    public CacheTemplateBuilder cache(String name) {
        return cache(name, CacheOptions.inherit());
    }

    /**
     * The shared tier (L2), such as {@code RedisTier.create("redis://...")}. Without it the template is
     * L1 only. The template closes it when the template is closed.
     */
    public CacheTemplateBuilder remote(RemoteTier remote) {
        this.remote = Objects.requireNonNull(remote, "remote");
        return this;
    }

    /**
     * How long a tag's version is kept in the remote tier after its last use (invalidation or a load that
     * carries it). An entry whose tag version expired is treated as invalidated. Default 1 day.
     */
    public CacheTemplateBuilder tagTtl(Duration tagTtl) {
        Objects.requireNonNull(tagTtl, "tagTtl");
        if (tagTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("tagTtl must be at least 1 s, got " + tagTtl);
        }
        this.tagTtl = tagTtl;
        return this;
    }

    /**
     * How often each node proves its invalidation subscription alive by hearing its own heartbeat; one
     * not heard within three intervals is a gap (L1 flushed, resubscribed). Default 1 s.
     */
    public CacheTemplateBuilder busCheckInterval(Duration interval) {
        Objects.requireNonNull(interval, "busCheckInterval");
        if (interval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("busCheckInterval must be at least 10 ms, got " + interval);
        }
        this.busCheckInterval = interval;
        return this;
    }

    /**
     * The bounded pool that runs background refreshes (refresh-ahead) and loads under a soft or hard
     * timeout: {@code threads} threads and a queue of {@code queue} tasks; a refresh it has no room for is
     * counted as rejected, not run. Defaults 2 and 1 000.
     */
    public CacheTemplateBuilder loaderPool(int threads, int queue) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("loaderPool threads must be in [1, 256], got " + threads);
        }
        if (queue < 1) {
            throw new IllegalArgumentException("loaderPool queue must be positive, got " + queue);
        }
        this.loaderThreads = threads;
        this.loaderQueue = queue;
        return this;
    }

    /**
     * How many invalidations Redis did not take (refused writes, an outage) this node keeps for a replay: failed
     * {@code invalidate}, {@code put} (replayed as an invalidation of the key, never as the value),
     * {@code invalidateTags} and {@code invalidateAll}, one per key, tag or cache. When it is full, the queued keys of
     * one cache are coalesced into an invalidateAll of that cache (counted as dropped; see docs/operations.md).
     * Default 10 000.
     *
     * @throws IllegalArgumentException if {@code size} is below 1
     */
    public CacheTemplateBuilder replayQueueSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("replayQueueSize must be at least 1, got " + size);
        }
        this.replayQueueSize = size;
        return this;
    }

    /**
     * Where asynchronous work that may run user code continues once a Redis reply arrives: the invocation of an
     * {@link AsyncLoader} after the remote steps of a miss, the L1 fill, and the completion of the futures
     * {@code rememberAsync} returns (so a {@code thenApply} registered on one runs here), never on a Redis client's
     * I/O thread, whose other replies would wait. A step whose input is already complete runs on the thread at hand:
     * an L1 hit costs no hop. Soft and hard timeouts fire as tasks of this executor.
     *
     * <p>The synchronous {@code remember} runs its loader on the caller's thread and, without a soft or hard timeout,
     * never uses this executor (with one, its loader runs on the {@link #loaderPool loader pool} and the wait goes
     * through the asynchronous path). Background refreshes
     * and {@code rememberAllAsync} run on the loader pool. Without a remote tier there is no I/O thread: a future
     * completes on the thread that completed the loader's stage. An executor that rejects a task has it run on the
     * thread at hand, and so does a direct executor ({@code Runnable::run}): that puts user code back on the I/O
     * threads. Default {@link java.util.concurrent.ForkJoinPool#commonPool()}, as in Caffeine; the template does not
     * shut it down.
     *
     * @throws NullPointerException if {@code executor} is null
     */
    public CacheTemplateBuilder executor(java.util.concurrent.Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Publishes the template's meters ({@link LaminaMeterNames}) on {@code registry}: every cache's, declared or
     * first used later, and the node's (bus, remote tier) when there is a remote tier. Optional, and the only
     * method that needs micrometer-core on the classpath; {@link CacheTemplate#stats} works without it. The meters
     * read counters the template keeps anyway, so a cache call costs the same with or without a registry. They are
     * removed from the registry when the template is closed.
     *
     * @throws NullPointerException if {@code registry} is null
     */
    public CacheTemplateBuilder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
        return meterRegistry(registry, java.util.List.of());
    }

    /**
     * As {@link #meterRegistry(io.micrometer.core.instrument.MeterRegistry)}, adding {@code tags} to every meter
     * (for example {@code Tags.of("application", "shop")}).
     *
     * @throws NullPointerException     if {@code registry}, {@code tags} or a tag is null
     * @throws IllegalArgumentException if a tag uses a key Lamina sets itself (cache, namespace, result, tier, state)
     */
    public CacheTemplateBuilder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry,
            Iterable<io.micrometer.core.instrument.Tag> tags) {
        this.metrics = MicrometerMetrics.factory(registry, tags);
        return this;
    }

    /** The time source; tests inject a {@link ManualClock}. */
    public CacheTemplateBuilder clock(CacheClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The codec of values in the remote tier. Default {@link JsonCodec#create()}. */
    public CacheTemplateBuilder codec(Codec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
        return this;
    }

    /**
     * Most tags one entry may carry, 1 to 1024 (besides the cache's own tag, which every entry carries and every
     * reader accepts); more is an {@link IllegalArgumentException}. Default 32.
     */
    public CacheTemplateBuilder maxTagsPerEntry(int max) {
        if (max < 1 || max > io.lamina.cache.internal.envelope.Envelope.MAX_USER_TAGS) {
            throw new IllegalArgumentException("maxTagsPerEntry must be in [1, " + io.lamina.cache.internal.envelope.Envelope.MAX_USER_TAGS
                    + "], got " + max);
        }
        this.maxTagsPerEntry = max;
        return this;
    }

    /**
     * Signs every entry this template writes to the remote tier with HMAC-SHA256 under {@code key}, and serves only
     * entries that verify: the MAC covers the namespace, the cache, the formatted key and the whole envelope, and is
     * checked before any byte of the entry is decoded. An entry that is unsigned, signed with another key, or copied
     * from another key is a miss, counted in {@link CacheStats#signatureFailures()}, and the load that follows
     * replaces it with a signed one. Without a signing key (the default) entries are neither signed nor checked:
     * whoever can write to Redis can plant values every node serves (see docs/redis.md).
     *
     * <p>Every node of a namespace needs the key, or accepts it ({@link #acceptedSigningKeys}): a node without a key
     * reads signed entries as unreadable, and a node with one reads unsigned entries as misses. The bytes are copied;
     * the key is never logged nor shown by {@code toString()}.
     *
     * @param key at least 32 bytes of random data (for example 32 bytes from {@code SecureRandom}, or
     *            {@code openssl rand -base64 32} decoded)
     * @throws NullPointerException     if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is shorter than 32 bytes
     */
    public CacheTemplateBuilder signingKey(byte[] key) {
        Objects.requireNonNull(key, "signingKey");
        io.lamina.cache.internal.envelope.EntrySigner.checkKey("signingKey", key);
        this.signingKey = key.clone();
        return this;
    }

    /**
     * Keys whose entries are accepted besides the {@link #signingKey current} one, which alone signs: for a key
     * rotation (docs/operations.md). Replaces the keys given before; none by default. Needs a signing key at
     * {@link #build}.
     *
     * @throws NullPointerException     if {@code keys} or one of them is null
     * @throws IllegalArgumentException if a key is shorter than 32 bytes (the message gives its index, never its bytes)
     */
    public CacheTemplateBuilder acceptedSigningKeys(byte[]... keys) {
        Objects.requireNonNull(keys, "acceptedSigningKeys");
        java.util.List<byte[]> copies = new java.util.ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            Objects.requireNonNull(keys[i], "acceptedSigningKeys[" + i + "]");
            io.lamina.cache.internal.envelope.EntrySigner.checkKey("acceptedSigningKeys[" + i + "]", keys[i]);
            copies.add(keys[i].clone());
        }
        this.acceptedSigningKeys = java.util.List.copyOf(copies);
        return this;
    }

    /**
     * When true, using a cache name that was not declared with {@link #cache} throws
     * {@link IllegalArgumentException}; when false (default) such a cache is created with the defaults.
     */
    public CacheTemplateBuilder requireDeclaredCaches(boolean require) {
        this.requireDeclaredCaches = require;
        return this;
    }

    /**
     * Builds the template. Never does I/O that can fail: a remote tier that is down is a miss, not an error.
     *
     * @throws IllegalStateException    if a meter registry was given and it already holds the meters of another
     *                                  template with the same namespace and tags
     * @throws IllegalArgumentException if accepted signing keys were given without a signing key
     */
    public CacheTemplate build() {
        if (signingKey == null && !acceptedSigningKeys.isEmpty()) {
            throw new IllegalArgumentException("acceptedSigningKeys were given without a signingKey: the current key signs, the"
                    + " accepted ones are only read");
        }
        io.lamina.cache.internal.envelope.EntrySigner signer = signingKey == null ? null
                : io.lamina.cache.internal.envelope.EntrySigner.of(signingKey, acceptedSigningKeys);
        return new DefaultCacheTemplate(new TemplateConfig(namespace, defaults, Map.copyOf(caches), clock,
                codec != null ? codec : JsonCodec.create(), maxTagsPerEntry, requireDeclaredCaches, remote, tagTtl,
                busCheckInterval, loaderThreads, loaderQueue, replayQueueSize, executor, metrics != null ? metrics : ns -> TemplateMetrics.NONE,
                signer));
    }
}
