package io.lamina.cache.internal.load;

/**
 * The keys whose loaders are running on this thread, innermost first, so a loader that asks for its own key
 * (directly, or through another key's load) fails fast instead of waiting for itself.
 *
 * <p>Every loader call is wrapped in {@link #enter}/{@link #exit}. A loader that runs on another thread (the
 * loader pool under a soft or hard timeout, a refresh) is entered there with the chain of the thread that asked
 * for the load, so a cycle through the pool is seen too. Only the slow path consults it: an L1 hit never looks.
 * What it cannot see: an asynchronous loader that asks for its own key from a callback on a thread of its own
 * choosing, after {@code load} returned (see docs/concepts.md, "Recursive loads").
 */
public final class LoadingKeys {

    /** One running loader: the cache it belongs to (by identity), its formatted key, and the loader that asked. */
    public record Frame(Object cache, String key, Frame parent) {
    }

    private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();

    private LoadingKeys() {
    }

    /** The loaders running on this thread, or null. */
    public static Frame current() {
        return CURRENT.get();
    }

    /**
     * Throws if a loader of {@code formatted} in {@code cache} is running on this thread or asked for this load.
     *
     * @throws IllegalStateException naming the cache and the key
     */
    public static void check(Object cache, String cacheName, String formatted, Object key) {
        for (Frame f = CURRENT.get(); f != null; f = f.parent) {
            if (f.cache == cache && f.key.equals(formatted)) {
                throw new IllegalStateException("recursive load: the loader of key " + key + " in cache '" + cacheName
                        + "' asked for the same key (a loader may not remember its own key, directly or through another key)");
            }
        }
    }

    /** Marks the loader of {@code formatted} as running on this thread, asked for by {@code parent}; returns what to restore. */
    public static Frame enter(Frame parent, Object cache, String formatted) {
        Frame previous = CURRENT.get();
        CURRENT.set(new Frame(cache, formatted, parent));
        return previous;
    }

    /** Ends the loader call {@link #enter} began. */
    public static void exit(Frame previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
