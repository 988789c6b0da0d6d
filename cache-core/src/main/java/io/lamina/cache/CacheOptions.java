package io.lamina.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Options of a named cache, immutable and thread-safe. An option left unset is inherited: a named cache's
 * options fall back to the template's {@code defaults}, and those to the built-in defaults below.
 *
 * <table>
 *   <caption>Options and their built-in defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code ttl}</td><td>10 minutes</td><td>how long a loaded value is fresh</td></tr>
 *   <tr><td>{@code nullTtl}</td><td>half the ttl, at most 30 s</td><td>how long a null result is cached</td></tr>
 *   <tr><td>{@code cacheNulls}</td><td>true</td><td>whether null results are cached at all</td></tr>
 *   <tr><td>{@code jitter}</td><td>10% of each TTL</td><td>each written TTL is extended by a uniformly random
 *       amount in [0, min(jitter, TTL)], so keys written together do not expire together; {@code ZERO} turns it off</td></tr>
 *   <tr><td>{@code maximumSize}</td><td>10 000</td><td>L1 entries kept, at most (ignored when a maximum weight is set)</td></tr>
 *   <tr><td>{@code maximumWeight}, {@code weigher}</td><td>unset</td><td>L1 bound by weight instead of count; set both</td></tr>
 *   <tr><td>{@code l1Ttl}</td><td>unset (= ttl)</td><td>cap on how long an L1 copy lives</td></tr>
 *   <tr><td>{@code refreshAfter} / {@code refreshAhead}</td><td>unset (off)</td><td>refresh point: a read past it
 *       returns the value and reloads it in the background</td></tr>
 *   <tr><td>{@code failSafe}</td><td>ZERO (off)</td><td>how long past its expiry a stale value is kept to be served
 *       when the loader fails</td></tr>
 *   <tr><td>{@code lockWait}</td><td>3 s</td><td>longest wait for another node's load of the same key</td></tr>
 *   <tr><td>{@code onLockTimeout}</td><td>{@link LockTimeoutPolicy#LOAD}</td><td>what to do when that wait runs out</td></tr>
 *   <tr><td>{@code l1Enabled}</td><td>true</td><td>whether decoded copies are kept in process</td></tr>
 *   <tr><td>{@code failSafeThrottle}</td><td>30 s</td><td>how long a stale value served after a failure stands in
 *       before the loader is tried again</td></tr>
 *   <tr><td>{@code softTimeout}</td><td>unset</td><td>after it, serve the stale value while the load finishes in the background</td></tr>
 *   <tr><td>{@code hardTimeout}</td><td>unset</td><td>after it, serve the stale value or throw {@link CacheLoadTimeoutException}</td></tr>
 * </table>
 *
 * <p>Invalid values throw {@link IllegalArgumentException} naming the option and the value.
 */
public final class CacheOptions {

    /** Built-in TTL when none is configured. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    /** Built-in upper bound of the default null TTL. */
    public static final Duration DEFAULT_MAX_NULL_TTL = Duration.ofSeconds(30);
    /** Built-in longest wait for another node's load. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(3);
    /** Built-in L1 maximum size. */
    public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

    private static final CacheOptions EMPTY = new Builder().build();

    private final Duration ttl;
    private final Duration nullTtl;
    private final Boolean cacheNulls;
    private final Duration jitter;
    private final Long maximumSize;
    private final Long maximumWeight;
    private final BiFunction<Object, Object, Integer> weigher;
    private final Duration l1Ttl;
    private final Duration refreshAfter;
    private final Double refreshAhead;
    private final Duration failSafe;
    private final Duration lockWait;
    private final LockTimeoutPolicy onLockTimeout;
    private final Boolean l1Enabled;
    private final Duration failSafeThrottle;
    private final Duration softTimeout;
    private final Duration hardTimeout;

    private CacheOptions(Builder b) {
        this.ttl = b.ttl;
        this.nullTtl = b.nullTtl;
        this.cacheNulls = b.cacheNulls;
        this.jitter = b.jitter;
        this.maximumSize = b.maximumSize;
        this.maximumWeight = b.maximumWeight;
        this.weigher = b.weigher;
        this.l1Ttl = b.l1Ttl;
        this.refreshAfter = b.refreshAfter;
        this.refreshAhead = b.refreshAhead;
        this.failSafe = b.failSafe;
        this.lockWait = b.lockWait;
        this.onLockTimeout = b.onLockTimeout;
        this.l1Enabled = b.l1Enabled;
        this.failSafeThrottle = b.failSafeThrottle;
        this.softTimeout = b.softTimeout;
        this.hardTimeout = b.hardTimeout;
    }

    /** A builder with every option unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options with every option unset: everything inherited. */
    public static CacheOptions inherit() {
        return EMPTY;
    }

    /** A builder holding this object's options, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ttl = ttl;
        b.nullTtl = nullTtl;
        b.cacheNulls = cacheNulls;
        b.jitter = jitter;
        b.maximumSize = maximumSize;
        b.maximumWeight = maximumWeight;
        b.weigher = weigher;
        b.l1Ttl = l1Ttl;
        b.refreshAfter = refreshAfter;
        b.refreshAhead = refreshAhead;
        b.failSafe = failSafe;
        b.lockWait = lockWait;
        b.onLockTimeout = onLockTimeout;
        b.l1Enabled = l1Enabled;
        b.failSafeThrottle = failSafeThrottle;
        b.softTimeout = softTimeout;
        b.hardTimeout = hardTimeout;
        return b;
    }

    /**
     * These options with every unset option taken from {@code parent}.
     *
     * @throws NullPointerException if {@code parent} is null
     */
    public CacheOptions withDefaults(CacheOptions parent) {
        Objects.requireNonNull(parent, "parent options");
        Builder b = toBuilder();
        if (b.ttl == null) b.ttl = parent.ttl;
        if (b.nullTtl == null) b.nullTtl = parent.nullTtl;
        if (b.cacheNulls == null) b.cacheNulls = parent.cacheNulls;
        if (b.jitter == null) b.jitter = parent.jitter;
        if (b.maximumSize == null && b.maximumWeight == null) {
            b.maximumSize = parent.maximumSize;
            b.maximumWeight = parent.maximumWeight;
            b.weigher = parent.weigher;
        }
        if (b.l1Ttl == null) b.l1Ttl = parent.l1Ttl;
        if (b.refreshAfter == null && b.refreshAhead == null) {
            b.refreshAfter = parent.refreshAfter;
            b.refreshAhead = parent.refreshAhead;
        }
        if (b.failSafe == null) b.failSafe = parent.failSafe;
        if (b.lockWait == null) b.lockWait = parent.lockWait;
        if (b.onLockTimeout == null) b.onLockTimeout = parent.onLockTimeout;
        if (b.l1Enabled == null) b.l1Enabled = parent.l1Enabled;
        if (b.failSafeThrottle == null) b.failSafeThrottle = parent.failSafeThrottle;
        if (b.softTimeout == null) b.softTimeout = parent.softTimeout;
        if (b.hardTimeout == null) b.hardTimeout = parent.hardTimeout;
        return b.build();
    }

    public Optional<Duration> ttl() { return Optional.ofNullable(ttl); }
    public Optional<Duration> nullTtl() { return Optional.ofNullable(nullTtl); }
    public Optional<Boolean> cacheNulls() { return Optional.ofNullable(cacheNulls); }
    public Optional<Duration> jitter() { return Optional.ofNullable(jitter); }
    public Optional<Long> maximumSize() { return Optional.ofNullable(maximumSize); }
    public Optional<Long> maximumWeight() { return Optional.ofNullable(maximumWeight); }
    public Optional<BiFunction<Object, Object, Integer>> weigher() { return Optional.ofNullable(weigher); }
    public Optional<Duration> l1Ttl() { return Optional.ofNullable(l1Ttl); }
    public Optional<Duration> refreshAfter() { return Optional.ofNullable(refreshAfter); }
    public Optional<Double> refreshAhead() { return Optional.ofNullable(refreshAhead); }
    public Optional<Duration> failSafe() { return Optional.ofNullable(failSafe); }
    public Optional<Duration> lockWait() { return Optional.ofNullable(lockWait); }
    public Optional<LockTimeoutPolicy> onLockTimeout() { return Optional.ofNullable(onLockTimeout); }
    public Optional<Boolean> l1Enabled() { return Optional.ofNullable(l1Enabled); }
    public Optional<Duration> failSafeThrottle() { return Optional.ofNullable(failSafeThrottle); }
    public Optional<Duration> softTimeout() { return Optional.ofNullable(softTimeout); }
    public Optional<Duration> hardTimeout() { return Optional.ofNullable(hardTimeout); }

    @Override
    public String toString() {
        return "CacheOptions{ttl=" + ttl + ", nullTtl=" + nullTtl + ", cacheNulls=" + cacheNulls
                + ", jitter=" + jitter + ", maximumSize=" + maximumSize + ", maximumWeight=" + maximumWeight
                + ", l1Ttl=" + l1Ttl + ", refreshAfter=" + refreshAfter + ", refreshAhead=" + refreshAhead
                + ", failSafe=" + failSafe + ", lockWait=" + lockWait + ", onLockTimeout=" + onLockTimeout
                + ", l1Enabled=" + l1Enabled + ", failSafeThrottle=" + failSafeThrottle + ", softTimeout=" + softTimeout
                + ", hardTimeout=" + hardTimeout + '}';
    }

    /** Builds {@link CacheOptions}; not thread-safe. Each setter validates its argument at once. */
    public static final class Builder {
        private Duration ttl;
        private Duration nullTtl;
        private Boolean cacheNulls;
        private Duration jitter;
        private Long maximumSize;
        private Long maximumWeight;
        private BiFunction<Object, Object, Integer> weigher;
        private Duration l1Ttl;
        private Duration refreshAfter;
        private Double refreshAhead;
        private Duration failSafe;
        private Duration lockWait;
        private LockTimeoutPolicy onLockTimeout;
        private Boolean l1Enabled;
        private Duration failSafeThrottle;
        private Duration softTimeout;
        private Duration hardTimeout;

        private Builder() {
        }

        /** How long a loaded value is fresh. Must be positive. */
        public Builder ttl(Duration ttl) {
            this.ttl = positive("ttl", ttl);
            return this;
        }

        /** How long a null result is cached. Must be positive. */
        public Builder nullTtl(Duration nullTtl) {
            this.nullTtl = positive("nullTtl", nullTtl);
            return this;
        }

        /** Whether null results are cached. */
        public Builder cacheNulls(boolean cacheNulls) {
            this.cacheNulls = cacheNulls;
            return this;
        }

        /** Upper bound of the random extension added to every written TTL; {@code ZERO} disables jitter. */
        public Builder jitter(Duration jitter) {
            this.jitter = notNegative("jitter", jitter);
            return this;
        }

        /** Most L1 entries kept; clears a maximum weight. Must be positive. */
        public Builder maximumSize(long maximumSize) {
            if (maximumSize <= 0) {
                throw new IllegalArgumentException("maximumSize must be positive, got " + maximumSize);
            }
            this.maximumSize = maximumSize;
            this.maximumWeight = null;
            this.weigher = null;
            return this;
        }

        /**
         * Bounds L1 by total weight instead of count; clears a maximum size.
         *
         * @param weigher weight of one entry from its key and decoded value (null values weigh as {@code null}); must return a non-negative number
         */
        public Builder maximumWeight(long maximumWeight, BiFunction<Object, Object, Integer> weigher) {
            if (maximumWeight <= 0) {
                throw new IllegalArgumentException("maximumWeight must be positive, got " + maximumWeight);
            }
            this.weigher = Objects.requireNonNull(weigher, "weigher");
            this.maximumWeight = maximumWeight;
            this.maximumSize = null;
            return this;
        }

        /** Cap on how long an L1 copy lives. Must be positive. */
        public Builder l1Ttl(Duration l1Ttl) {
            this.l1Ttl = positive("l1Ttl", l1Ttl);
            return this;
        }

        /** Refresh point as a duration after the write; clears {@code refreshAhead}. Must be positive. */
        public Builder refreshAfter(Duration refreshAfter) {
            this.refreshAfter = positive("refreshAfter", refreshAfter);
            this.refreshAhead = null;
            return this;
        }

        /**
         * Refresh point as a fraction of the entry's TTL, in (0, 1); clears {@code refreshAfter}.
         * {@code 0.8} refreshes entries in their last fifth.
         */
        public Builder refreshAhead(double fraction) {
            if (!(fraction > 0.0 && fraction < 1.0)) {
                throw new IllegalArgumentException("refreshAhead must be a fraction in (0, 1), got " + fraction);
            }
            this.refreshAhead = fraction;
            this.refreshAfter = null;
            return this;
        }

        /** How long past its expiry a value is kept to be served when the loader fails; {@code ZERO} turns fail-safe off. */
        public Builder failSafe(Duration window) {
            this.failSafe = notNegative("failSafe", window);
            return this;
        }

        /** Longest wait for another node's load of the same key (the lock across JVMs). Must be positive. */
        public Builder lockWait(Duration lockWait) {
            this.lockWait = positive("lockWait", lockWait);
            return this;
        }

        /** What to do when {@code lockWait} runs out. */
        public Builder onLockTimeout(LockTimeoutPolicy policy) {
            this.onLockTimeout = Objects.requireNonNull(policy, "onLockTimeout");
            return this;
        }

        /** Whether this cache keeps decoded copies in the in-process tier. With a remote tier only, false reads L2 every time. */
        public Builder l1Enabled(boolean enabled) {
            this.l1Enabled = enabled;
            return this;
        }

        /**
         * After a failed or timed-out load served a stale value, how long that value stands in as fresh before
         * the loader is tried again for the key. Must be positive. Default 30 s.
         */
        public Builder failSafeThrottle(Duration throttle) {
            this.failSafeThrottle = positive("failSafeThrottle", throttle);
            return this;
        }

        /**
         * After this long a caller gets the stale value (if fail-safe kept one) while the load goes on in the
         * background and fills the cache when it finishes. With a timeout set, synchronous loaders run on
         * Lamina's loader pool. Must be positive.
         */
        public Builder softTimeout(Duration timeout) {
            this.softTimeout = positive("softTimeout", timeout);
            return this;
        }

        /**
         * After this long a caller gets the stale value if there is one, else a
         * {@link CacheLoadTimeoutException}; the load goes on in the background. Must be positive.
         */
        public Builder hardTimeout(Duration timeout) {
            this.hardTimeout = positive("hardTimeout", timeout);
            return this;
        }

        /** @throws IllegalArgumentException if softTimeout is not shorter than hardTimeout */
        public CacheOptions build() {
            if (softTimeout != null && hardTimeout != null && softTimeout.compareTo(hardTimeout) >= 0) {
                throw new IllegalArgumentException("softTimeout " + softTimeout + " must be shorter than hardTimeout " + hardTimeout);
            }
            return new CacheOptions(this);
        }

        private static Duration positive(String option, Duration value) {
            Objects.requireNonNull(value, option);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(option + " must be positive, got " + value);
            }
            return value;
        }

        private static Duration notNegative(String option, Duration value) {
            Objects.requireNonNull(value, option);
            if (value.isNegative()) {
                throw new IllegalArgumentException(option + " must not be negative, got " + value);
            }
            return value;
        }
    }
}
