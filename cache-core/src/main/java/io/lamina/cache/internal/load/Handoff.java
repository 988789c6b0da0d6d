package io.lamina.cache.internal.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Keeps user code off the Redis client's I/O threads. A continuation of a remote stage runs on the thread that
 * completed it: a Lettuce or Redisson event loop, whose other replies wait while it runs. So every step that runs
 * user code (an async loader's invocation, a cache fill that calls the weigher, the completion of a future a user
 * holds, which runs the user's {@code thenApply}) goes through here:
 * <ul>
 *   <li>a stage already complete when the step is registered runs it at once, on the thread at hand (the caller's,
 *       or one of this handoff's tasks): an L1 hit or a local-only load pays nothing;</li>
 *   <li>a stage that completes later runs it as a task of {@code executor}, unless it completes on one of this
 *       handoff's own tasks (one hop per chain, not one per step).</li>
 * </ul>
 * An executor that rejects a task: the step runs on the completing thread rather than be lost. Without a remote tier
 * there is no I/O thread to leave: steps run where their input completes (the thread that completed the loader's
 * stage, as in Caffeine), and only timeouts use the executor.
 */
public final class Handoff {

    /** The handoff whose task the current thread runs, if any. */
    private static final ThreadLocal<Handoff> RUNNING = new ThreadLocal<>();

    private final Executor executor;
    private final boolean remote;

    /** @param remote whether stages may complete on a remote tier's I/O threads (false: no hop but for timeouts) */
    public Handoff(Executor executor, boolean remote) {
        this.executor = executor;
        this.remote = remote;
    }

    /** Whether the current thread runs a task of this handoff now. */
    public boolean onOwnTask() {
        return RUNNING.get() == this;
    }

    /** Runs {@code task} here if this thread runs one of this handoff's tasks, else as a task of the executor. */
    public void execute(Runnable task) {
        if (!remote || onOwnTask()) {
            task.run();
            return;
        }
        try {
            executor.execute(() -> runAsOwn(task));
        } catch (RejectedExecutionException full) {
            task.run();
        }
    }

    private void runAsOwn(Runnable task) {
        Handoff outer = RUNNING.get();
        RUNNING.set(this);
        try {
            task.run();
        } finally {
            // set, not removed: a removed entry is allocated again by the next task on this thread
            RUNNING.set(outer);
        }
    }

    /** {@code stage}, completed off the I/O threads: itself if already complete, else a copy completed by a task. */
    public <T> CompletableFuture<T> offIo(CompletableFuture<T> stage) {
        if (!remote || stage.isDone()) {
            return stage;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> execute(() -> {
            if (failure != null) {
                out.completeExceptionally(failure);
            } else {
                out.complete(value);
            }
        }));
        return out;
    }

    /**
     * {@code then} applied to the outcome of {@code stage} (value or failure, as {@code handle}), composed: at once if
     * {@code stage} is complete, else off the I/O threads.
     */
    public <T, U> CompletableFuture<U> thenCompose(CompletableFuture<T> stage,
            BiFunction<? super T, Throwable, ? extends CompletableFuture<U>> then) {
        if (!remote || stage.isDone()) {
            return stage.handle(then).thenCompose(f -> f);
        }
        CompletableFuture<U> out = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> execute(() -> {
            CompletableFuture<U> next;
            try {
                next = then.apply(value, failure);
            } catch (Throwable t) {
                out.completeExceptionally(t);
                return;
            }
            next.whenComplete((v, f) -> {
                if (f != null) {
                    out.completeExceptionally(f);
                } else {
                    out.complete(v);
                }
            });
        }));
        return out;
    }

    /** An executor that runs tasks after {@code nanos} as this handoff's own tasks (timeouts). */
    public Executor delayed(long nanos) {
        return CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, task -> {
            try {
                executor.execute(() -> runAsOwn(task));
            } catch (RejectedExecutionException full) {
                task.run();
            }
        });
    }
}
