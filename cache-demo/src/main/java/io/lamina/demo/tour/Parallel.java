package io.lamina.demo.tour;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs tasks on their own threads released together by a start gate, with a bounded wait for the results. */
final class Parallel {

    private Parallel() {
    }

    /**
     * @param threads how many tasks, each on its own thread
     * @param task    the task of thread {@code i}
     * @param timeout seconds to wait for all of them
     * @return the results in thread order
     * @throws TimeoutException if they did not all finish in time (they are interrupted)
     */
    static <T> List<T> run(int threads, IntFunction<Callable<T>> task, long timeout) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> body = task.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    return body.call();
                }));
            }
            if (!ready.await(timeout, TimeUnit.SECONDS)) {
                throw new TimeoutException("the threads did not get ready in " + timeout + " s");
            }
            start.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
