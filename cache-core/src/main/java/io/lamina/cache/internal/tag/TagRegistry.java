package io.lamina.cache.internal.tag;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This JVM's view of tag versions, shared by every cache of a template.
 *
 * <p>Versions come from one counter: invalidating a tag sets its version to the next counter value, so a
 * load can compare the versions of the tags its entry carries against the counter value it saw when it
 * started ({@link #sequence()}): a higher version means the tag was invalidated while it loaded, and its
 * result is stale on arrival. A tag that is not yet known starts at the current counter value, which is
 * conservative: a load that picks up a new tag after any invalidation during its run is not cached.
 *
 * <p>The registry holds versions weakly: a version lives as long as an entry or a load refers to it, so
 * tags of evicted entries do not pile up. Invalidation is O(1) whatever the number of tagged entries:
 * entries are checked lazily when read. Thread-safe.
 */
public final class TagRegistry {

    private final AtomicLong sequence = new AtomicLong();
    private final Cache<String, TagVersion> versions = Caffeine.newBuilder()
            .weakValues()
            .executor(Runnable::run)
            .build();

    /** The counter value now: take it before a load starts. */
    public long sequence() {
        return sequence.get();
    }

    /** The version holder of {@code tag}, created at the current counter value if absent. */
    public TagVersion version(String tag) {
        return versions.get(tag, t -> new TagVersion(t, sequence.get()));
    }

    /** Invalidates {@code tag}: every entry that carries it is stale from now on. */
    public void invalidate(String tag) {
        long next = sequence.incrementAndGet();
        TagVersion current = versions.getIfPresent(tag);
        if (current != null) {
            current.advanceTo(next);
        }
    }
}
