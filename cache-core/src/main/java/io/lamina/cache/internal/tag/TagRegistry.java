package io.lamina.cache.internal.tag;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lamina.cache.CacheClock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This JVM's view of tag versions, shared by every cache of a template.
 *
 * <p><b>L1 only</b>: versions come from one counter; invalidating a tag sets its version to the next
 * counter value, so a load compares the versions of its entry's tags against the counter value it saw
 * when it started ({@link #sequence()}): a higher version means the tag was invalidated while it loaded,
 * and its result is stale on arrival. A tag not yet known starts at the current counter value.
 *
 * <p><b>With a remote tier</b>: versions are the remote tier's (microseconds of its clock, strictly
 * increasing per tag); this registry caches them, learns new ones from the invalidation bus, and forgets
 * them all after a gap in the bus ({@link #forgetAll()}), after which they are read again. A load's start
 * stamp is the remote clock when it took its lease (or this JVM's clock in microseconds when Redis is
 * unreachable), so the same comparison works.
 *
 * <p><b>Trust</b>: a version is learned only from the remote tier's tag keys and from the bus, never from an
 * entry, and never above {@link #ceiling()}: the remote clock as this JVM last saw it (from lease replies, moved on
 * by this JVM's clock since) plus {@link #MAX_SKEW}. A legitimate version is {@code max(cur + 1, now)} of the
 * remote clock, so it exceeds that clock only by a step back of the server's clock or a failover to a server whose
 * clock is behind (and by one microsecond per invalidation of one tag faster than one per microsecond, which one
 * Redis cannot sustain). A version above the ceiling is forged (a hand-written bus message, a planted key): it is
 * {@link #reject rejected}, counted, and the tag is forgotten, so its next use reads it from the remote tier again
 * (one extra miss per key at most) instead of every load of the tag being stale on arrival from then on.
 *
 * <p>Versions are held weakly: a version lives as long as an entry or a load refers to it. Invalidation
 * is O(1) whatever the number of tagged entries: entries are checked lazily when read. Thread-safe.
 */
public final class TagRegistry {

    /**
     * How far above the remote clock a version may be: a minute covers a server clock stepped back by NTP and a
     * failover to a replica whose clock is behind by seconds (well beyond what NTP-synchronized hosts drift),
     * while a forged version within it delays caching of its tag by at most that minute (see docs/coherence.md).
     */
    public static final java.time.Duration MAX_SKEW = java.time.Duration.ofMinutes(1);
    static final long MAX_SKEW_MICROS = MAX_SKEW.toNanos() / 1_000L;
    /** No remote clock seen yet: the ceiling follows this JVM's clock. */
    private static final long NO_OFFSET = Long.MIN_VALUE;

    private final boolean remote;
    private final CacheClock clock;
    private final AtomicLong sequence = new AtomicLong();
    /** The remote clock minus this JVM's, in microseconds, at the newest remote time seen; NO_OFFSET: none yet. */
    private final AtomicLong remoteOffset = new AtomicLong(NO_OFFSET);
    private final java.util.concurrent.atomic.LongAdder rejected = new java.util.concurrent.atomic.LongAdder();
    private final Cache<String, TagVersion> versions = Caffeine.newBuilder()
            .weakValues()
            .build();   // maintenance on Caffeine's executor: a lookup never drains its buffers on the caller (every entry read)

    /** A registry for an L1-only template. */
    public TagRegistry() {
        this(false, CacheClock.system());
    }

    public TagRegistry(boolean remote, CacheClock clock) {
        this.remote = remote;
        this.clock = clock;
    }

    /** The stamp a load takes when it starts; with a remote tier, this JVM's clock in microseconds. */
    public long sequence() {
        if (!remote) {
            return sequence.get();
        }
        long now = clock.currentTimeMillis() * 1_000L;
        return sequence.accumulateAndGet(now, Math::max);
    }

    /** The version holder of {@code tag}: at the current counter value (L1 only) or unknown (remote) if new. */
    public TagVersion version(String tag) {
        TagVersion known = versions.getIfPresent(tag);   // the common case, without the compute path's lambda
        if (known != null) {
            return known;
        }
        return versions.get(tag, t -> new TagVersion(t, remote ? TagVersion.UNKNOWN : sequence.get()));
    }

    /** The version holder of {@code tag} if this JVM has one. */
    public TagVersion peek(String tag) {
        return versions.getIfPresent(tag);
    }

    /** Invalidates {@code tag} locally: every entry that carries it is stale from now on. */
    public long invalidate(String tag) {
        if (!remote) {
            long next = sequence.incrementAndGet();
            TagVersion current = versions.getIfPresent(tag);
            if (current != null) {
                current.advanceTo(next);
            }
            return next;
        }
        TagVersion current = version(tag);
        long next = Math.max(sequence(), current.known() ? current.version() + 1 : 0);
        current.advanceTo(next);
        return next;
    }

    /** Records a version read from the remote tier or announced on the bus (never lowers a known one). */
    public TagVersion advance(String tag, long version) {
        TagVersion current = version(tag);
        if (remote && !plausible(version)) {
            reject(current);
        } else {
            current.advanceTo(version);
        }
        return current;
    }

    /** Records the remote clock (microseconds) as read from a reply of the remote tier: a lease's stamp. */
    public void remoteTime(long micros) {
        if (micros > 0) {
            remoteOffset.set(micros - clock.currentTimeMillis() * 1_000L);
        }
    }

    /**
     * The highest version this JVM accepts now (microseconds): the remote clock as last seen, moved on by this JVM's
     * clock since, or this JVM's clock while it has seen none, plus {@link #MAX_SKEW}.
     */
    public long ceiling() {
        long offset = remoteOffset.get();
        long now = clock.currentTimeMillis() * 1_000L + (offset == NO_OFFSET ? 0 : offset);
        return now + MAX_SKEW_MICROS;
    }

    /** Whether {@code version} can be a remote tier's tag version: positive and not above {@link #ceiling()}. */
    public boolean plausible(long version) {
        return version > 0 && version <= ceiling();
    }

    /** A forged version of {@code view}'s tag: counted, and the tag forgotten so its next use reads it again. */
    public void reject(TagVersion view) {
        rejected.increment();
        view.forget();
    }

    /** Versions rejected as forged (above {@link #ceiling()}, or not positive) since this registry was made. */
    public long rejected() {
        return rejected.sum();
    }

    /** Forgets every version (after a gap in the bus): each must be read again before it validates anything. */
    public void forgetAll() {
        versions.asMap().values().forEach(TagVersion::forget);
    }
}
