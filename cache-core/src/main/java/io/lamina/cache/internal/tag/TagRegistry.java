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
 * <p>Versions are held weakly: a version lives as long as an entry or a load refers to it. Invalidation
 * is O(1) whatever the number of tagged entries: entries are checked lazily when read. Thread-safe.
 */
public final class TagRegistry {

    private final boolean remote;
    private final CacheClock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final Cache<String, TagVersion> versions = Caffeine.newBuilder()
            .weakValues()
            .executor(Runnable::run)
            .build();

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
        current.advanceTo(version);
        return current;
    }

    /** Forgets every version (after a gap in the bus): each must be read again before it validates anything. */
    public void forgetAll() {
        versions.asMap().values().forEach(TagVersion::forget);
    }
}
