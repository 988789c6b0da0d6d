package io.lamina.cache.tests.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts several nodes at once (most of a start is waiting for the first PONG), all or none: if one
 * fails, those that started are closed and the first failure is thrown.
 */
final class ParallelStart {

    private ParallelStart() {
    }

    static List<RedisNode> all(List<Callable<RedisNode>> starts) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(3, starts.size()), runnable -> {
            Thread thread = new Thread(runnable, "lamina-redis-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<RedisNode>> futures = new ArrayList<>();
            for (Callable<RedisNode> start : starts) {
                futures.add(pool.submit(start));
            }
            List<RedisNode> nodes = new ArrayList<>();
            RuntimeException failure = null;
            for (Future<RedisNode> future : futures) {
                try {
                    nodes.add(future.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r
                                : new IllegalStateException("a node did not start: " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new IllegalStateException("interrupted while starting nodes", e);
                }
            }
            if (failure != null) {
                nodes.forEach(RedisNode::close);
                throw failure;
            }
            return nodes;
        } finally {
            pool.shutdown();
        }
    }
}
