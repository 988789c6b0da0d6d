package io.lamina.cache;

/** The lock of a key across JVMs could not be taken within {@code lockWait}, under {@link LockTimeoutPolicy#FAIL}. */
public class CacheLockTimeoutException extends CacheException {

    public CacheLockTimeoutException(String message) {
        super(message);
    }
}
