package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.TagKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The writes this node made in the last {@code window}, kept so they can be made again after a failover.
 *
 * <p>Redis replicates asynchronously: a write the old primary acknowledged just before it died, or one it took
 * during a graceful Sentinel failover after its replica was promoted, is missing on the new primary. An
 * invalidation lost that way would bring an old value back. When the topology changes (a Cluster slot moves to
 * another primary, Sentinel switches the primary), every write of the window is done again on the new primary,
 * as an <em>invalidation</em>: a deleted entry (a put is replayed as a delete) or a bumped tag only costs a miss,
 * never a stale value, and can never overwrite a newer write. Invalidation messages of the window are published
 * again too, so no node keeps an L1 copy it loaded from the new primary before the replay.
 *
 * <p>Bounded in time and count (the oldest are dropped first); de-duplicated by what they name. Thread-safe.
 */
public final class RecentWrites {

    /** One thing to do again. */
    public sealed interface Write permits Entry, Tag, Message {
    }

    /** An entry written or removed: replayed as a removal. */
    public record Entry(RemoteKey key) implements Write {
    }

    /** A tag invalidated: replayed as another invalidation of it. */
    public record Tag(TagKey tag, Duration ttl) implements Write {
    }

    /** An invalidation message: published again. */
    public record Message(String channel, byte[] bytes) implements Write {
    }

    private record Stamped(Write write, long at) {
    }

    private final long windowNanos;
    private final int capacity;
    private final LongSupplier nanoTime;
    private final Deque<Stamped> writes = new ArrayDeque<>();   // guarded by this

    public RecentWrites(Duration window, int capacity, LongSupplier nanoTime) {
        this.windowNanos = window.toNanos();
        this.capacity = capacity;
        this.nanoTime = nanoTime;
    }

    /** Records a write made now. */
    public void record(Write write) {
        if (windowNanos == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        synchronized (this) {
            expire(now);
            writes.addLast(new Stamped(write, now));
            while (writes.size() > capacity) {
                writes.removeFirst();
            }
        }
    }

    /** The writes of the window, oldest first, each named once (its newest record). */
    public List<Write> window() {
        long now = nanoTime.getAsLong();
        Map<Object, Write> unique = new LinkedHashMap<>();
        synchronized (this) {
            expire(now);
            for (Stamped s : writes) {
                Object name = s.write() instanceof Message m ? new String(m.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1)
                        : s.write();
                unique.remove(name);
                unique.put(name, s.write());
            }
        }
        return new ArrayList<>(unique.values());
    }

    private void expire(long now) {
        while (!writes.isEmpty() && now - writes.peekFirst().at() > windowNanos) {
            writes.removeFirst();
        }
    }
}
