package io.lamina.cache.internal.l1;

import io.lamina.cache.internal.tag.TagVersion;

/**
 * One decoded value in the in-process tier, immutable. Times are in the template clock's nanoseconds.
 *
 * <p>{@code freshUntil} is the logical expiry, checked by every hit; {@code refreshAt} the refresh point
 * ({@code Long.MAX_VALUE} when off); {@code expiresAt} the physical expiry (fresh plus the fail-safe window) after
 * which the entry is not even a stale copy and a sweep removes it. A hit of an entry with neither a refresh point
 * nor a stand-in role does nothing after its freshness check ({@link #timed} is false).
 */
public final class L1Entry {

    /** Stands for a cached null, in L1 and in every tier. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "NULL";
        }
    };

    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<L1Entry> REFRESHING =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(L1Entry.class, "refreshing");
    private static final TagVersion[] NO_TAGS = new TagVersion[0];
    private static final long[] NO_VERSIONS = new long[0];

    final Object key;
    final String formatted;
    final Object value;
    final long freshUntil;
    final long refreshAt;
    final long expiresAt;
    final boolean timed;
    final TagVersion[] tags;
    final long[] observed;
    final boolean stale;
    private volatile int refreshing;

    public L1Entry(Object key, String formatted, Object value, long freshUntil, long refreshAt, long expiresAt,
            TagVersion[] tags, long[] observed) {
        this(key, formatted, value, freshUntil, refreshAt, expiresAt, tags, observed, false);
    }

    /** @param stale whether this is a stale value standing in after a failed load (fail-safe throttle) */
    public L1Entry(Object key, String formatted, Object value, long freshUntil, long refreshAt, long expiresAt,
            TagVersion[] tags, long[] observed, boolean stale) {
        this.stale = stale;
        this.key = key;
        this.formatted = formatted;
        this.value = value;
        this.freshUntil = freshUntil;
        this.refreshAt = refreshAt;
        this.expiresAt = expiresAt;
        this.timed = stale || refreshAt != Long.MAX_VALUE;
        this.tags = tags.length == 0 ? NO_TAGS : tags;
        this.observed = observed.length == 0 ? NO_VERSIONS : observed;
    }

    /** The caller's key object. */
    public Object key() {
        return key;
    }

    /** The key's stable string form. */
    public String formatted() {
        return formatted;
    }

    /** The value, or {@link #NULL}. */
    public Object value() {
        return value;
    }

    public long freshUntil() {
        return freshUntil;
    }

    public long refreshAt() {
        return refreshAt;
    }

    public long expiresAt() {
        return expiresAt;
    }

    /** Whether this is a stale value standing in after a failed load. */
    public boolean stale() {
        return stale;
    }

    /** Claims this entry's refresh: true for the first caller only. */
    public boolean claimRefresh() {
        return refreshing == 0 && REFRESHING.compareAndSet(this, 0, 1);
    }

    TagVersion[] tagArray() {
        return tags;
    }

    long[] observedArray() {
        return observed;
    }

    /** A copy of this entry's value standing in as fresh until {@code freshUntil} (fail-safe throttle). */
    public L1Entry asStale(long freshUntil) {
        return new L1Entry(key, formatted, value, freshUntil, Long.MAX_VALUE, freshUntil, tags, observed, true);
    }

    /** Whether a hit has more to do than its freshness check: count a stale stand-in, or check the refresh point. */
    public boolean timed() {
        return timed;
    }

    /** Whether every tag still has the version seen when the entry was filled. No I/O, no allocation. */
    public boolean tagsCurrent() {
        TagVersion[] t = tags;
        for (int i = 0; i < t.length; i++) {
            if (t[i].version() != observed[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether any tag's observed version is above {@code sequence}: the entry was invalidated while it loaded. */
    public boolean taggedAfter(long sequence) {
        for (long v : observed) {
            if (v > sequence) {
                return true;
            }
        }
        return false;
    }

    public TagVersion[] tags() {
        return tags.clone();
    }

    @Override
    public String toString() {
        return "L1Entry{" + value + ", freshUntil=" + freshUntil + ", tags=" + tags.length + '}';
    }
}
