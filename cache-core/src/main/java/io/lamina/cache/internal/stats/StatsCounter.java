package io.lamina.cache.internal.stats;

import io.lamina.cache.CacheStats;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link CacheStats} for one named cache. Thread-safe; increments do not allocate. */
public final class StatsCounter {

    private final LongAdder l1Hits = new LongAdder();
    private final LongAdder l2Hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder nullHits = new LongAdder();
    private final LongAdder loadSuccesses = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder unaskedKeys = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder l2Errors = new LongAdder();
    private final LongAdder decodeFailures = new LongAdder();
    private final LongAdder shapeMismatches = new LongAdder();
    private final LongAdder signatureFailures = new LongAdder();
    private final LongAdder staleServed = new LongAdder();
    private final LongAdder refreshesStarted = new LongAdder();
    private final LongAdder refreshesCompleted = new LongAdder();
    private final LongAdder refreshesFailed = new LongAdder();
    private final LongAdder refreshesRejected = new LongAdder();
    private final LongAdder refreshesSkipped = new LongAdder();
    private final LongAdder loadTimeouts = new LongAdder();
    private final LongAdder lockWaitsAcquired = new LongAdder();
    private final LongAdder lockTimeouts = new LongAdder();
    private final LongAdder lockWaitNanos = new LongAdder();
    private final LongAdder lockFallbacks = new LongAdder();

    /**
     * A miss that found the key's lock held by another node and waited {@code nanos} for it: it got the lock
     * ({@code acquired}) or gave up after {@code lockWait}.
     */
    public void lockWaited(boolean acquired, long nanos) {
        (acquired ? lockWaitsAcquired : lockTimeouts).increment();
        lockWaitNanos.add(nanos);
    }

    /**
     * A miss (or refresh) whose lock call failed (error, timeout, the lock route's breaker open): it went on
     * without the lock, with this JVM's single-flight and the fill lease taken only if free.
     */
    public void lockFallback() {
        lockFallbacks.increment();
    }

    public long lockFallbacks() {
        return lockFallbacks.sum();
    }

    public void staleServed() {
        staleServed.increment();
    }

    public void refreshStarted() {
        refreshesStarted.increment();
    }

    public void refreshCompleted() {
        refreshesCompleted.increment();
    }

    public void refreshFailed() {
        refreshesFailed.increment();
    }

    public void refreshRejected() {
        refreshesRejected.increment();
    }

    public void refreshSkipped() {
        refreshesSkipped.increment();
    }

    public void loadTimeout() {
        loadTimeouts.increment();
    }

    public void l1Hit(boolean nullValue) {
        l1Hits.increment();
        if (nullValue) {
            nullHits.increment();
        }
    }

    public void l2Hit(boolean nullValue) {
        l2Hits.increment();
        if (nullValue) {
            nullHits.increment();
        }
    }

    /** {@code hits} L2 hits, {@code nullHits} of them of the null sentinel: {@link #l2Hit} that many times, in one add. */
    public void l2Hits(int hits, int nulls) {
        if (hits > 0) {
            l2Hits.add(hits);
        }
        if (nulls > 0) {
            nullHits.add(nulls);
        }
    }

    public void miss() {
        misses.increment();
    }

    public void loadSuccess(long nanos) {
        loadSuccesses.increment();
        loadNanos.add(nanos);
    }

    public void loadFailure(long nanos) {
        loadFailures.increment();
        loadNanos.add(nanos);
    }

    /** Keys a bulk loader returned that it was not asked for (ignored). */
    public void unaskedKeys(long count) {
        unaskedKeys.add(count);
    }

    public long unaskedKeys() {
        return unaskedKeys.sum();
    }

    public void put() {
        puts.increment();
    }

    public void evictions(long count) {
        evictions.add(count);
    }

    public void l2Error() {
        l2Errors.increment();
    }

    public void decodeFailure() {
        decodeFailures.increment();
    }

    /** A stored entry written with another shape of the value's type (another fingerprint), treated as a miss. */
    public void shapeMismatch() {
        shapeMismatches.increment();
    }

    /** A stored entry whose signature did not verify (unsigned, another key, forged or moved), treated as a miss. */
    public void signatureFailure() {
        signatureFailures.increment();
    }

    // single counters, for meters that read one value (a scrape need not sum them all)

    public long l1Hits() {
        return l1Hits.sum();
    }

    public long l2Hits() {
        return l2Hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long nullHits() {
        return nullHits.sum();
    }

    public long loadSuccesses() {
        return loadSuccesses.sum();
    }

    public long loadFailures() {
        return loadFailures.sum();
    }

    public long loadNanos() {
        return loadNanos.sum();
    }

    public long puts() {
        return puts.sum();
    }

    public long evictions() {
        return evictions.sum();
    }

    public long l2Errors() {
        return l2Errors.sum();
    }

    public long decodeFailures() {
        return decodeFailures.sum();
    }

    public long shapeMismatches() {
        return shapeMismatches.sum();
    }

    public long signatureFailures() {
        return signatureFailures.sum();
    }

    public long staleServedCount() {
        return staleServed.sum();
    }

    public long refreshesStarted() {
        return refreshesStarted.sum();
    }

    public long refreshesCompleted() {
        return refreshesCompleted.sum();
    }

    public long refreshesFailed() {
        return refreshesFailed.sum();
    }

    public long refreshesRejected() {
        return refreshesRejected.sum();
    }

    public long refreshesSkipped() {
        return refreshesSkipped.sum();
    }

    public long loadTimeouts() {
        return loadTimeouts.sum();
    }

    public long lockWaitsAcquired() {
        return lockWaitsAcquired.sum();
    }

    public long lockTimeouts() {
        return lockTimeouts.sum();
    }

    public long lockWaitNanos() {
        return lockWaitNanos.sum();
    }

    public CacheStats snapshot() {
        long h1 = l1Hits.sum();
        long h2 = l2Hits.sum();
        long m = misses.sum();
        return new CacheStats(h1 + h2 + m, h1, h2, m, nullHits.sum(), loadSuccesses.sum(), loadFailures.sum(),
                loadNanos.sum(), puts.sum(), evictions.sum(), l2Errors.sum(), decodeFailures.sum(), staleServed.sum(),
                refreshesStarted.sum(), refreshesCompleted.sum(), refreshesFailed.sum(), refreshesRejected.sum(),
                refreshesSkipped.sum(), loadTimeouts.sum(), lockWaitsAcquired.sum(), lockTimeouts.sum(), lockWaitNanos.sum(),
                unaskedKeys.sum(), shapeMismatches.sum(), signatureFailures.sum());
    }
}
