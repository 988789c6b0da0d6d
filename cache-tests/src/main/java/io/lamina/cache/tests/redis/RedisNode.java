package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} process of an {@link OwnedRedisCluster} or an {@link OwnedRedisSentinel}
 * group (a data node or a sentinel): its address, its process, and the faults a test may inflict on it.
 * The port stays the same across {@link #kill()} and {@link #start()}, and so does the working
 * directory (a cluster node's {@code nodes.conf}, a sentinel's config file).
 *
 * <p>Thread-safe. The topology owns the node: closing the topology closes it.
 */
public final class RedisNode {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PING_TIMEOUT = Duration.ofMillis(500);

    private final RedisProcess process;
    private final String label;
    private volatile boolean paused;

    RedisNode(RedisProcess process, String label) {
        this.process = process;
        this.label = label;
    }

    /** @return {@code 127.0.0.1} */
    public String host() {
        return RedisProcess.HOST;
    }

    /** @return the TCP port, the same across restarts */
    public int port() {
        return process.port();
    }

    /** @return {@code redis://127.0.0.1:<port>}, or {@code rediss://...} when the node runs with TLS */
    public String uri() {
        return process.uri();
    }

    /** @return {@code 127.0.0.1:<port>}, the form Redis itself uses in CLUSTER NODES, ROLE and the like */
    public String address() {
        return host() + ":" + port();
    }

    /** @return the TLS material the node runs with (it then listens on TLS only), or null */
    public RedisTls tls() {
        return process.tls();
    }

    /** @return the pid of the process, or -1 while it is killed */
    public long pid() {
        return process.pid();
    }

    /** @return {@code true} if the process exists and is not {@linkplain #pause() paused} */
    public boolean isAlive() {
        return process.isAlive() && !paused;
    }

    /** @return {@code true} while the process is stopped with SIGSTOP */
    public boolean isPaused() {
        return paused && process.isAlive();
    }

    /** @return {@code true} if the node answers PING within half a second */
    public boolean isRunning() {
        return process.ping(PING_TIMEOUT);
    }

    /**
     * Kills the process with SIGKILL (a crash: no flush, clients see resets) and returns once it is gone.
     * Does nothing if it is already killed.
     */
    public void kill() {
        paused = false;
        process.stop();
    }

    /**
     * Starts a killed node again on the same port and working directory, and returns once it answers
     * PING. A cluster node rejoins with its {@code nodes.conf} (its data set is empty: nothing is
     * persisted); a data node of a Sentinel group comes back as a replica of the current primary.
     * Readiness of the topology is the caller's to await ({@code awaitHealthy}, ...).
     * Does nothing if the node runs (a paused node is resumed).
     *
     * @throws IllegalStateException if it does not answer in time (with the tail of its log)
     */
    public void start() {
        if (isPaused()) {
            resume();
        }
        process.start();
    }

    /**
     * Freezes the process with SIGSTOP: it keeps its sockets, answers nothing, and its peers see it
     * time out (no reset). {@link #resume()} continues it.
     *
     * @throws IllegalStateException if the node is not running or the signal cannot be sent
     */
    public void pause() {
        signal("STOP", 'T');
        paused = true;
    }

    /** Continues a {@linkplain #pause() paused} process with SIGCONT; does nothing if it is not paused. */
    public void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        if (process.isAlive()) {
            signal("CONT", null);
        }
    }

    /**
     * Sends one command over a fresh connection (2 s timeout) and returns the reply: the text of a
     * status or bulk reply ({@code null} for nil), the digits of an integer, or the elements of an array
     * flattened and joined with {@code \n}.
     *
     * @param command the command and its arguments, e.g. {@code "SET", "k", "v"}
     * @throws IllegalStateException if the node answers with an error; the message holds its text
     *                               (e.g. {@code MOVED 866 127.0.0.1:7001})
     * @throws UncheckedIOException if the node cannot be reached or does not answer in time
     */
    public String call(String... command) {
        return call(CALL_TIMEOUT, command);
    }

    /**
     * {@link #call(String...)} with a timeout of your choice.
     *
     * @throws IllegalStateException if the node answers with an error
     * @throws UncheckedIOException if the node cannot be reached or does not answer in time
     */
    public String call(Duration timeout, String... command) {
        try {
            return process.call(timeout, command);
        } catch (Resp.ErrorReply e) {
            throw new IllegalStateException(label + " " + address() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(label + " " + address() + " did not answer " + command[0]
                    + ": " + e.getMessage(), e);
        }
    }

    /** @return the last lines of the process's log, for failure messages */
    public String logTail() {
        return label + " " + address() + " " + process.logTail();
    }

    RedisProcess process() {
        return process;
    }

    void close() {
        resume();
        process.close();
    }

    private void signal(String signal, Character expectedState) {
        long pid = process.pid();
        if (pid < 0) {
            throw new IllegalStateException(this + " is not running; cannot send SIG" + signal);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed for " + this);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -" + signal + " for " + this + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + this, e);
        }
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        if (expectedState != null && Files.isReadable(stat)) {
            // the signal is delivered asynchronously: wait until the kernel shows the process stopped
            Waits.until(Duration.ofSeconds(5), this + " to be stopped", () -> {
                String state = processState(stat);
                return state.indexOf(expectedState) >= 0 ? null : "state " + state;
            }, () -> "");
        }
    }

    private static String processState(Path stat) {
        try {
            String text = Files.readString(stat);
            return text.substring(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    @Override
    public String toString() {
        return label + "[" + address() + (isPaused() ? ", paused" : "") + ", pid " + pid() + "]";
    }
}
