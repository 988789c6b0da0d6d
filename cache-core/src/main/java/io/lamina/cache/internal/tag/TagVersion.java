package io.lamina.cache.internal.tag;

/**
 * This JVM's view of one tag's version. An entry remembers the versions of its tags when it was filled;
 * it is valid while every one of them is still current. Read on every L1 hit of a tagged entry, so it is a
 * single volatile field. With a remote tier a version may be {@link #UNKNOWN} (never fetched, or
 * forgotten after a gap in the invalidation bus) until it is read from Redis or announced on the bus.
 */
public final class TagVersion {

    /** Not known in this JVM: must be read from the remote tier before it can validate anything. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private final String tag;
    private volatile long version;
    /** When this JVM last had the remote tier extend the tag's life (epoch ms); 0: never. */
    private volatile long touchedAt;
    /** The read of this tag's version from the remote tier under way, shared by every caller meanwhile. */
    private java.util.concurrent.CompletableFuture<Long> reading;   // guarded by this

    TagVersion(String tag, long version) {
        this.tag = tag;
        this.version = version;
    }

    public String tag() {
        return tag;
    }

    public long version() {
        return version;
    }

    public boolean known() {
        return version != UNKNOWN;
    }

    /** Raises the version; a known version never goes down. */
    public void advanceTo(long newVersion) {
        synchronized (this) {
            if (newVersion > version) {
                version = newVersion;
            }
        }
    }

    /** Whether the tag's remote key was last kept alive before {@code before} (epoch ms), as far as this JVM knows. */
    public boolean touchedBefore(long before) {
        return touchedAt < before;
    }

    /** Records that the remote tier extended the tag's life at {@code now} (epoch ms). */
    public void touched(long now) {
        if (now > touchedAt) {
            touchedAt = now;
        }
    }

    /**
     * Reads the version from the remote tier through {@code read}, unless a read is already under way: then its
     * outcome is shared. So after a gap in the bus, however many callers need the tag at once, its key is read once
     * per JVM, not once per request: no tag key becomes a hot key.
     */
    public java.util.concurrent.CompletableFuture<Long> read(java.util.function.Supplier<java.util.concurrent.CompletableFuture<Long>> read) {
        java.util.concurrent.CompletableFuture<Long> mine;
        synchronized (this) {
            if (reading != null) {
                return reading;
            }
            mine = new java.util.concurrent.CompletableFuture<>();
            reading = mine;
        }
        read.get().whenComplete((version, failure) -> {
            synchronized (this) {
                reading = null;
            }
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(version);
            }
        });
        return mine;
    }

    void forget() {
        synchronized (this) {
            version = UNKNOWN;
        }
    }

    @Override
    public String toString() {
        return tag + "@" + (known() ? Long.toString(version) : "unknown");
    }
}
