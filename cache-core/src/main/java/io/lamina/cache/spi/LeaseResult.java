package io.lamina.cache.spi;

/**
 * The answer of {@link RemoteTier#getOrLease}: the entry's bytes if it exists, and whether the caller now
 * holds the fill lease.
 *
 * @param value  the stored bytes, or null
 * @param leased whether the lease is the caller's
 */
public record LeaseResult(byte[] value, boolean leased) {
}
