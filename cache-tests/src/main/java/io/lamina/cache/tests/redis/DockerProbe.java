package io.lamina.cache.tests.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testcontainers.DockerClientFactory;

/**
 * Asks Testcontainers, once per JVM and within a deadline, whether a Docker engine answers. A probe
 * that hangs (a dead socket, a remote host that drops packets) counts as "no Docker" and is left to
 * finish on a daemon thread, so it can neither block a test nor keep the JVM alive.
 */
final class DockerProbe {

    private static final System.Logger LOG = System.getLogger(DockerProbe.class.getName());

    private static Boolean available;

    private DockerProbe() {
    }

    static synchronized boolean isAvailable(Duration timeout) {
        if (available == null) {
            available = probe(timeout);
        }
        return available;
    }

    private static boolean probe(Duration timeout) {
        long began = System.nanoTime();
        FutureTask<Boolean> task = new FutureTask<>(() -> DockerClientFactory.instance().isDockerAvailable());
        Thread thread = new Thread(task, "lamina-docker-probe");
        thread.setDaemon(true);
        thread.start();
        boolean result;
        try {
            result = task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            result = false;
        } catch (ExecutionException | RuntimeException | LinkageError e) {
            result = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = false;
        }
        boolean found = result;
        LOG.log(System.Logger.Level.INFO, () -> "Docker engine " + (found ? "found" : "not found") + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");
        return found;
    }
}
