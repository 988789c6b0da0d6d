package io.lamina.cache.internal.load;

import io.lamina.cache.CacheException;
import io.lamina.cache.CacheLoaderException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How loader failures reach callers: unchecked ones unchanged, checked ones wrapped. */
public final class Failures {

    private Failures() {
    }

    /** Throws {@code failure} if it is unchecked, else a {@link CacheLoaderException} wrapping it. */
    public static RuntimeException propagate(Throwable failure, String cache, Object key) {
        Throwable t = unwrap(failure);
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new CacheLoaderException("loader of key " + key + " in cache '" + cache + "' failed: " + t, t);
    }

    /** {@code failure} as a caller of an asynchronous API should see it. */
    public static Throwable forAsync(Throwable failure, String cache, Object key) {
        Throwable t = unwrap(failure);
        if (t instanceof RuntimeException || t instanceof Error) {
            return t;
        }
        return new CacheLoaderException("loader of key " + key + " in cache '" + cache + "' failed: " + t, t);
    }

    /** The cause behind the wrappers that futures add. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Interrupted while waiting for another caller's load. The interrupt flag is restored. */
    public static CacheException interrupted(String cache, Object key, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new CacheException("interrupted while waiting for the load of key " + key + " in cache '" + cache + "'", e);
    }
}
