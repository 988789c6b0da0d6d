package io.lamina.cache.internal.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs the steps of a synchronous call on the calling thread: the call is built from stages (as its asynchronous
 * twin), and each step that a stage completing elsewhere (a Redis reply on an I/O thread, another caller's load)
 * hands over is queued here and run by the caller while it waits in {@link #drive}. So a synchronous bulk load runs
 * its loader and its fills on the caller's thread, and no thread of a pool is held by its waits.
 *
 * <p>A step handed over after the caller left (it does not happen on the bulk path, whose result is its last step)
 * runs on {@code afterwards}, never lost.
 */
public final class Mailbox implements Executor {

    private static final Runnable WAKE = () -> { };

    private final LinkedBlockingQueue<Runnable> steps = new LinkedBlockingQueue<>();
    private final Executor afterwards;
    private volatile boolean closed;

    /** @param afterwards where a step handed over after {@link #drive} returned runs */
    public Mailbox(Executor afterwards) {
        this.afterwards = afterwards;
    }

    @Override
    public void execute(Runnable step) {
        if (closed) {
            afterwards.execute(step);
            return;
        }
        steps.add(step);
        if (closed && steps.remove(step)) {
            // the caller left between the check and the add
            afterwards.execute(step);
        }
    }

    /**
     * Runs the handed-over steps on this thread until {@code result} is complete, then returns its value or throws its
     * failure (unchecked ones unchanged, others wrapped in {@link CompletionException}). An interrupt does not stop the
     * steps (other callers may wait for them); the flag is restored before returning.
     */
    public <T> T drive(CompletableFuture<T> result) {
        result.whenComplete((v, f) -> steps.add(WAKE));
        boolean interrupted = false;
        try {
            while (!result.isDone()) {
                try {
                    steps.take().run();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            closed = true;
            for (Runnable left = steps.poll(); left != null; left = steps.poll()) {
                if (left != WAKE) {
                    afterwards.execute(left);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            return result.join();
        } catch (CompletionException e) {
            Throwable cause = Failures.unwrap(e);
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
