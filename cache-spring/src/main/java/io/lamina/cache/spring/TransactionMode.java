package io.lamina.cache.spring;

/**
 * When the writes of a {@link TransactionAwareCacheTemplate} ({@code put}, {@code invalidate},
 * {@code invalidateTags}, {@code invalidateAll}, and so the invalidations of {@link Invalidate} and
 * {@link InvalidateTags}) take effect while a Spring transaction is active on the calling thread. Outside a
 * transaction every write takes effect at once, whatever the mode.
 */
public enum TransactionMode {

    /**
     * The default: at once, and again after the commit. The first invalidation stops this and other nodes from
     * serving the old value during the transaction; the second removes what a reader on any node loaded from the
     * database between the first and the commit (the old row, since the new one was not committed yet). A
     * {@code put} invalidates the key at once and stores the value after the commit. After a rollback only the
     * first invalidation happened, which costs a reload.
     */
    BOTH,

    /**
     * After the commit only, as Spring's {@code TransactionAwareCacheDecorator}: nothing happens on a rollback, but
     * the old value is served during the transaction.
     */
    AFTER_COMMIT,

    /** At once, as outside a transaction: a reader in the window can leave the old row cached after the commit. */
    IMMEDIATE
}
