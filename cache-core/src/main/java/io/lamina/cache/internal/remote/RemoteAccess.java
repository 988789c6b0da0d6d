package io.lamina.cache.internal.remote;

import io.lamina.cache.internal.replay.Intent;
import io.lamina.cache.internal.replay.ReplayQueue;
import io.lamina.cache.internal.stats.StatsCounter;
import io.lamina.cache.spi.RemoteTier;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The core's handle on a {@link RemoteTier}: turns every failure (exception, timeout, open breaker) into
 * a counted, rate-limited-logged miss, so that no remote failure reaches a caller.
 */
public final class RemoteAccess {

    private final RemoteTier tier;
    private final ReplayQueue replays;
    private final RateLimitedLog log = new RateLimitedLog();
    /** Its own limit: the shape mismatches of a rolling deploy must not crowd out the lines of real failures. */
    private final RateLimitedLog shapes = new RateLimitedLog();
    /** Its own limit too: a flood of planted entries must not hide the other failures, nor they it. */
    private final RateLimitedLog signatures = new RateLimitedLog();

    public RemoteAccess(RemoteTier tier, ReplayQueue replays) {
        this.tier = tier;
        this.replays = replays;
    }

    public RemoteTier tier() {
        return tier;
    }

    /** Where writes Redis did not take are kept for a replay, and writes it took clear what they cover. */
    public ReplayQueue replays() {
        return replays;
    }

    /**
     * Waits for a remote invalidation or put (as {@link #await}) and tells the replay queue how it went: taken, it
     * clears what {@code intent} covers; failed or timed out, {@code intent} is queued for a replay.
     *
     * @return whether Redis took it
     */
    public boolean awaitWrite(CompletableFuture<?> future, Intent intent, Object what, StatsCounter stats) {
        boolean taken = await(future.thenApply(v -> Boolean.TRUE), Duration.ZERO, Boolean.FALSE, what, stats);
        if (taken) {
            replays.succeeded(intent);
        } else {
            replays.failed(intent);
        }
        return taken;
    }

    /** Starts {@code call}; a failure to even start it becomes a failed stage. Never throws. */
    public <T> CompletableFuture<T> start(Supplier<? extends CompletionStage<T>> call) {
        try {
            CompletionStage<T> stage = call.get();
            return stage == null ? CompletableFuture.failedFuture(new NullPointerException("remote tier returned no stage"))
                    : stage.toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * What an operation was, for its log line only: a key's string form takes a SHA-256 (keys are never logged, their
     * digests are), too dear to build for every invalidation or put that succeeds.
     */
    public record What(String verb, Object subject) {
        @Override
        public String toString() {
            return verb + subject;
        }
    }

    /** Records a failed remote operation: counted and logged (rate-limited). */
    public void failed(Object what, Throwable failure, StatsCounter stats) {
        stats.l2Error();
        log.warn("remote tier: " + what + " failed, treated as a miss", failure);
    }

    /** Logs a stored entry that could not be read. */
    public void unreadable(String what, Throwable failure, StatsCounter stats) {
        stats.decodeFailure();
        log.warn("remote tier: " + what + " is unreadable, treated as a miss", failure);
    }

    /**
     * Counts a stored entry written with another shape of the value's type (another version of the class), and
     * logs it (rate-limited, on a limit of its own): the caller treats it as a miss and reloads.
     */
    public void shapeMismatch(String what, String detail, StatsCounter stats) {
        stats.shapeMismatch();
        shapes.warn("remote tier: " + what + " was written with another shape of its type (another version of the class"
                + " is running, or was): " + detail + "; treated as a miss and reloaded");
    }

    /**
     * Counts a stored entry whose signature did not verify, and logs it (rate-limited, on a limit of its own): the
     * caller treats it as a miss and reloads, which replaces it with a signed entry. {@code reason} holds no byte of
     * the entry and nothing of a key.
     */
    public void signatureFailure(String what, String reason, StatsCounter stats) {
        stats.signatureFailure();
        signatures.warn("remote tier: " + what + " failed signature verification (" + reason + "): not decoded, treated as a"
                + " miss and reloaded; if this lasts, a node without the current key writes here, or something else writes to Redis");
    }

    /**
     * Waits for a remote write on the calling thread, bounded by the tier's operation timeout (plus
     * {@code extra}); a failure or timeout is counted and logged and yields {@code fallback}. {@code what} is made a
     * string only for the log line of a failure (see {@link What}).
     */
    public <T> T await(CompletableFuture<T> future, Duration extra, T fallback, Object what, StatsCounter stats) {
        long limit = tier.operationTimeout().plus(extra).toNanos() + 1_000_000_000L;
        try {
            return future.get(limit, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(what, e, stats);
        } catch (ExecutionException e) {
            failed(what, e.getCause(), stats);
        } catch (TimeoutException e) {
            failed(what, e, stats);
        }
        return fallback;
    }
}
