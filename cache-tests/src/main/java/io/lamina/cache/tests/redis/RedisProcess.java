package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * A {@code redis-server} process of our own ({@link RedisSource#PATH} or {@link RedisSource#EMBEDDED}):
 * 127.0.0.1 only, a port picked free once and kept across restarts, no persistence, no password,
 * a private working directory holding its log; with {@link RedisTls} material, TLS only on that port.
 */
final class RedisProcess implements OwnedRedisServer {

    private static final System.Logger LOG = System.getLogger(RedisProcess.class.getName());
    static final String HOST = "127.0.0.1";
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(1);
    private static final int PORT_ATTEMPTS = 3;

    /**
     * What a process gets on its command line besides port, bind address, working directory and "no
     * persistence": a cluster node's or a sentinel's settings. Asked again before every (re)start.
     */
    interface Launch {

        /** A plain server. */
        Launch PLAIN = new Launch() {
        };

        /**
         * Arguments right after the binary, typically a config file written into {@code workDir}
         * (a sentinel needs one it can rewrite).
         */
        default List<String> leadingArgs(Path workDir, int port) throws IOException {
            return List.of();
        }

        /** Arguments after ours, e.g. {@code --cluster-enabled yes} or {@code --replicaof host port}. */
        default List<String> trailingArgs(int port) {
            return List.of();
        }
    }

    private final Path binary;
    private final RedisSource source;
    private final Duration startTimeout;
    private final Launch launch;
    private final RedisTls tls;
    private final int port;
    private final Path workDir;
    private final Path log;

    // guarded by this
    private Process process;
    private ProcessWatchdog watchdog;
    private String version = "?";
    private boolean closed;

    private RedisProcess(Path binary, RedisSource source, Duration startTimeout, Launch launch, RedisTls tls, int port)
            throws IOException {
        this.binary = binary;
        this.source = source;
        this.startTimeout = startTimeout;
        this.launch = launch;
        this.tls = tls;
        this.port = port;
        this.workDir = Files.createTempDirectory("lamina-redis-" + port + "-");
        this.log = workDir.resolve("redis.log");
    }

    /**
     * Starts {@code binary} on a free loopback port and waits until it answers PING. A port taken by
     * someone else between picking and binding it is retried on another port.
     */
    static RedisProcess start(Path binary, RedisSource source, Duration startTimeout) {
        return start(binary, source, startTimeout, RedisProcess::freeLoopbackPort, Launch.PLAIN, null);
    }

    /**
     * Starts {@code binary} with the settings of {@code launch} on a port from {@code ports} and waits
     * until it answers PING; a port taken by someone else is retried on another one from {@code ports}.
     * With {@code tls} (else null) it listens on TLS only.
     */
    static RedisProcess start(Path binary, RedisSource source, Duration startTimeout, IntSupplier ports,
                              Launch launch, RedisTls tls) {
        PortTaken taken = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            RedisProcess server;
            try {
                server = new RedisProcess(binary, source, startTimeout, launch, tls, ports.getAsInt());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare a working directory for " + binary, e);
            }
            Reaper.register(server);
            try {
                server.start();
                return server;
            } catch (PortTaken e) {
                server.close();
                taken = e;
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
        }
        throw taken;
    }

    static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    @Override
    public String uri() {
        return (tls == null ? "redis://" : "rediss://") + HOST + ":" + port;
    }

    /** @return the TLS material it runs with, or null for plain TCP */
    RedisTls tls() {
        return tls;
    }

    /** One command over a fresh connection (TLS when the server has it). */
    String call(Duration timeout, String... command) throws IOException {
        return Resp.call(HOST, port, tls == null ? null : tls.socketFactory(), null, null, timeout, command);
    }

    boolean ping(Duration timeout) {
        return Resp.ping(HOST, port, tls == null ? null : tls.socketFactory(), null, null, timeout);
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public RedisSource source() {
        return source;
    }

    @Override
    public boolean isOwned() {
        return true;
    }

    @Override
    public boolean isRunning() {
        return ping(PING_TIMEOUT);
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(this + " was closed and cannot be started again");
        }
        if (process != null && process.isAlive()) {
            return;
        }
        long began = System.nanoTime();
        try {
            List<String> command = new ArrayList<>();
            command.add(binary.toString());
            command.addAll(launch.leadingArgs(workDir, port));
            command.addAll(tls == null ? List.of("--port", String.valueOf(port)) : tls.serverArgs(port));
            command.addAll(List.of("--bind", HOST,
                    "--save", "",
                    "--appendonly", "no",
                    "--daemonize", "no",
                    "--dir", workDir.toString()));
            command.addAll(launch.trailingArgs(port));
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(log.toFile()))
                    .start();
            // redis-server reads no stdin; close our end of the pipe
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + " (" + source + "): " + e.getMessage(), e);
        }
        watchdog = ProcessWatchdog.watch(process.pid());
        awaitOurPong(began);
        LOG.log(System.Logger.Level.INFO, () -> "Started " + this + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");
    }

    /**
     * Polls PING until it answers, then checks through {@code INFO server} that the answer came from
     * our process and not from another server that grabbed the port first.
     */
    private void awaitOurPong(long began) {
        long deadline = began + startTimeout.toNanos();
        while (true) {
            if (ping(PING_TIMEOUT)) {
                String info = info();
                if (field(info, "process_id").equals(String.valueOf(process.pid()))) {
                    version = field(info, "redis_version");
                    return;
                }
            }
            if (!process.isAlive()) {
                String output = logText();
                killQuietly();
                String message = binary + " (" + source + ") exited with code " + process.exitValue()
                        + " before answering PING on " + HOST + ":" + port + "\n" + logSection(output);
                if (output.contains("Address already in use")) {
                    throw new PortTaken(message);
                }
                throw new IllegalStateException(message);
            }
            if (System.nanoTime() - deadline > 0) {
                killQuietly();
                throw new IllegalStateException(binary + " (" + source + ") did not answer PING on " + HOST + ":"
                        + port + " within " + startTimeout.toMillis() + " ms\n" + logSection(logText()));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killQuietly();
                throw new IllegalStateException("interrupted while waiting for " + binary + " to answer PING", e);
            }
        }
    }

    private String info() {
        try {
            String info = call(PING_TIMEOUT, "INFO", "server");
            return info == null ? "" : info;
        } catch (IOException e) {
            return "";
        }
    }

    private static String field(String info, String name) {
        return info.lines()
                .filter(line -> line.startsWith(name + ":"))
                .map(line -> line.substring(name.length() + 1).trim())
                .findFirst().orElse("?");
    }

    /** @return the pid of the running process, or -1 if it is not running */
    synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** @return {@code true} if the process exists (it may be paused with SIGSTOP) */
    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return the last lines of the process's output, headed by the binary's name */
    String logTail() {
        return logSection(logText());
    }

    @Override
    public synchronized void stop() {
        killQuietly();
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(this + " is still alive 10 s after SIGKILL");
        }
    }

    /** SIGSTOP and SIGCONT go through a node view of this process, which knows how to send them. */
    private final RedisNode signals = new RedisNode(this, "redis");

    @Override
    public void pause() {
        signals.pause();
    }

    @Override
    public void resume() {
        signals.resume();
    }

    @Override
    public synchronized void stopGracefully() {
        if (process == null || !process.isAlive()) {
            disarmWatchdog();
            return;
        }
        disarmWatchdog();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            killQuietly();
        } finally {
            Reaper.unregister(this);
            deleteWorkDir();
        }
    }

    /** SIGKILL and wait (bounded) for the process to be gone. */
    private void killQuietly() {
        disarmWatchdog();
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void disarmWatchdog() {
        if (watchdog != null) {
            watchdog.disarm();
            watchdog = null;
        }
    }

    private String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private String logSection(String text) {
        List<String> lines = text.lines().toList();
        List<String> tail = lines.subList(Math.max(0, lines.size() - 40), lines.size());
        return "--- output of " + binary.getFileName() + " (last " + tail.size() + " lines) ---\n"
                + String.join("\n", tail);
    }

    private void deleteWorkDir() {
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    @Override
    public synchronized String toString() {
        return "RedisServer[" + source + " redis-server " + version + ", " + HOST + ":" + port + ", owned"
                + (process != null && process.isAlive() ? ", pid " + process.pid() : ", stopped") + "]";
    }

    /** The port picked as free was taken by someone else before redis-server could bind it. */
    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }
}
