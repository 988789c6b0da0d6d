package io.lamina.cache.internal.load;

import java.util.concurrent.CompletableFuture;

/**
 * One running load of one key in this JVM; every caller of the key while it runs waits for its future
 * instead of loading again. The future completes with the value ({@code L1Entry.NULL} for null) or the
 * loader's exception.
 *
 * <p>A flight is <em>fenced</em> when its key is invalidated or put while it runs: its result must not be
 * stored. It is <em>tag-stale</em> when one of its result's tags was invalidated while it ran.
 */
public final class Flight {

    private final CompletableFuture<Object> future = new CompletableFuture<>();
    private final Thread owner;
    private final Object key;
    private volatile long tagSequence;
    private final long generation;
    private volatile boolean fenced;
    private volatile boolean tagStale;
    private volatile Object stale;

    /**
     * @param key         the caller's key object
     * @param owner       the thread running a synchronous loader, or null for an asynchronous one
     * @param tagSequence the tag counter when the flight started
     * @param generation  the cache's generation when the flight started
     */
    public Flight(Object key, Thread owner, long tagSequence, long generation) {
        this.key = key;
        this.owner = owner;
        this.tagSequence = tagSequence;
        this.generation = generation;
    }

    public CompletableFuture<Object> future() {
        return future;
    }

    /** Whether {@code thread} runs this flight's loader (a loader asking for its own key). */
    public boolean ownedBy(Thread thread) {
        return owner == thread;
    }

    public Object key() {
        return key;
    }

    public long tagSequence() {
        return tagSequence;
    }

    /** Replaces the start stamp by the remote clock's, taken with the fill lease before the loader ran. */
    public void stamp(long remoteStamp) {
        this.tagSequence = remoteStamp;
    }

    public long generation() {
        return generation;
    }

    public void fence() {
        fenced = true;
    }

    public boolean fenced() {
        return fenced;
    }

    /** A stale value callers may be served if this load fails (fail-safe); set before the future completes. */
    public void stale(Object value) {
        this.stale = value;
    }

    public Object stale() {
        return stale;
    }

    public void markTagStale() {
        tagStale = true;
    }

    /**
     * Whether a caller that joined this flight when the tag counter was {@code joinSequence} must load
     * again: a tag of the result was invalidated while the flight ran, possibly before the caller joined.
     */
    public boolean staleFor(long joinSequence) {
        return tagStale && joinSequence > tagSequence;
    }
}
