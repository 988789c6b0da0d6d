package io.lamina.cache.spi;

/**
 * The answer of {@link RemoteTier#getOrLease}: the entry's bytes if it exists, whether the caller now
 * holds the fill lease, and the remote tier's clock when the lease was taken.
 *
 * @param value  the stored bytes, or null
 * @param leased whether the lease is the caller's
 * @param stamp  the remote clock in microseconds when the lease was taken; a tag invalidated after this
 *               moment has a higher version (the load's result is stale on arrival)
 */
public record LeaseResult(byte[] value, boolean leased, long stamp) {
}
