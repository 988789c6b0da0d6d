package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.RemoteUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.api.RedissonClient;

/**
 * Creates the Redisson client eagerly, in the background, retrying until it connects.
 *
 * <p>Why not Redisson's lazy initialization: on a Cluster it can deadlock for good inside the first command
 * (redisson/redisson#7196, #7222), on whatever thread sent it, which froze Lettuce's I/O thread when that
 * command was sent from a Lettuce callback. Created here on a thread of its own, the client is usually ready
 * before the first miss, startup never waits for it (nor fails when Redis is down), and a creation that hangs
 * costs one abandoned thread, not the node: each attempt is bounded by {@code attemptTimeout}, then another
 * starts (after a back-off growing to 2 s). A lock call made before the client is ready waits for it at most
 * as long as the caller allows, then fails, which the core turns into a per-JVM load.
 */
public final class RedissonLauncher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.lamina.cache.redis");
    private static final long[] BACK_OFF_MILLIS = {0, 200, 500, 1000, 2000};

    private final Supplier<RedissonClient> factory;
    private final boolean owned;
    private final Duration attemptTimeout;
    private final CompletableFuture<RedissonClient> ready = new CompletableFuture<>();
    private volatile boolean closed;

    private RedissonLauncher(Supplier<RedissonClient> factory, boolean owned, Duration attemptTimeout) {
        this.factory = factory;
        this.owned = owned;
        this.attemptTimeout = attemptTimeout;
    }

    /** A client the caller built and owns; never closed here. */
    public static RedissonLauncher of(RedissonClient given) {
        RedissonLauncher l = new RedissonLauncher(() -> given, false, Duration.ZERO);
        l.started.set(true);
        l.ready.complete(given);
        return l;
    }

    /** Starts creating a client now, in the background. */
    public static RedissonLauncher start(Supplier<RedissonClient> factory, Duration attemptTimeout) {
        RedissonLauncher l = new RedissonLauncher(factory, true, attemptTimeout);
        l.ensureStarted();
        return l;
    }

    /**
     * Creates the client only once {@link #ensureStarted()} is called (or a client is asked for), then as {@link #start}:
     * in the background, retrying. A tier whose misses never meet another node's lease never builds it.
     */
    public static RedissonLauncher onDemand(Supplier<RedissonClient> factory, Duration attemptTimeout) {
        return new RedissonLauncher(factory, true, attemptTimeout);
    }

    /** Starts creating the client in the background if that has not started yet. Cheap; idempotent. */
    public void ensureStarted() {
        if (!started.get() && started.compareAndSet(false, true)) {
            attempt(0);
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();

    /** The client; before it is ready, a stage that waits for it at most {@code maxWait}, then fails. */
    public CompletableFuture<RedissonClient> client(Duration maxWait) {
        if (ready.isDone()) {
            return ready;
        }
        ensureStarted();
        if (closed) {
            return CompletableFuture.failedFuture(new RemoteUnavailableException("the Redis tier is closed"));
        }
        return ready.copy().orTimeout(Math.max(1, maxWait.toMillis()), TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            RemoteUnavailableException failure = new RemoteUnavailableException("the lock client (Redisson) is not connected yet");
            failure.initCause(e);
            return CompletableFuture.failedFuture(failure);
        });
    }

    /** Whether the client is connected and in use. */
    public boolean isReady() {
        return ready.isDone();
    }

    private void attempt(int number) {
        if (closed || ready.isDone()) {
            return;
        }
        CompletableFuture<RedissonClient> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                long delay = BACK_OFF_MILLIS[Math.min(number, BACK_OFF_MILLIS.length - 1)];
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                if (closed) {
                    result.cancel(false);
                    return;
                }
                RedissonClient client = factory.get();
                if (closed || !result.complete(client)) {
                    client.shutdown(0, 2, TimeUnit.SECONDS);   // closed meanwhile, or the attempt timed out
                }
            } catch (InterruptedException e) {
                result.cancel(false);
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, "lamina-redisson-start");
        t.setDaemon(true);
        t.start();
        result.orTimeout(attemptTimeout.toMillis() + BACK_OFF_MILLIS[Math.min(number, BACK_OFF_MILLIS.length - 1)], TimeUnit.MILLISECONDS)
                .whenComplete((client, failure) -> {
                    if (failure == null) {
                        ready.complete(client);
                        if (number > 0) {
                            LOG.log(System.Logger.Level.INFO, "the lock client (Redisson) is connected after " + (number + 1) + " attempts");
                        }
                        return;
                    }
                    if (number == 2) {
                        LOG.log(System.Logger.Level.WARNING, "the lock client (Redisson) cannot connect yet (" + failure
                                + "); locks degrade to per-JVM loads until it does, retrying in the background");
                    }
                    attempt(number + 1);
                });
    }

    /** Shuts an owned client down, bounded in time; a client still being created is shut down when it arrives. */
    @Override
    public void close() {
        closed = true;
        if (!owned) {
            return;
        }
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            ready.join().shutdown(0, 2, TimeUnit.SECONDS);
        } else {
            ready.cancel(false);
        }
    }
}
