package io.lamina.cache;

/**
 * Root of every exception Lamina throws. Unchecked, like every exception of the library.
 *
 * <p>A loader's {@link RuntimeException} or {@link Error} reaches the caller unchanged; only checked
 * exceptions thrown by a loader are wrapped, in {@link CacheLoaderException}.
 */
public class CacheException extends RuntimeException {

    public CacheException(String message) {
        super(message);
    }

    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
