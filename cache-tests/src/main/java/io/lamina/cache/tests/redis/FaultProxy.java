package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free port of 127.0.0.1 in front of any {@code host:port}, for network faults
 * between a client and Redis. Each direction has a {@link Mode} ({@link Mode#PASS}, {@link Mode#latency
 * latency}, {@link Mode#HOLD}, {@link Mode#DROP}), settable at any time and applied at once to the
 * connections already open ({@link #mode(Direction, Mode)}: open and new ones;
 * {@link #established(Direction, Mode)}: open ones only); {@link #resetAll()} and {@link #closeAll()} end them; and
 * {@link #newConnections(NewConnections)} decides what happens to new ones, so a test can have
 * "established links silently dead while new connections work".
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(redis.host(), redis.port())) {
 *     RedisTier tier = RedisTier.create(proxy.uri());
 *     proxy.mode(FaultProxy.Mode.DROP);          // every open link goes silent
 *     ...
 *     proxy.mode(FaultProxy.Mode.PASS);
 * }
 * }</pre>
 *
 * <p>Bytes queued under {@code HOLD} or {@code LATENCY} follow the mode in force when their turn comes:
 * switching to {@code PASS} (or {@link #release()}) delivers them in order, switching to {@code DROP}
 * discards them. Thread-safe; its threads are daemons, 4 per connection (at most
 * {@value #MAX_CONNECTIONS} connections; more are refused), blocked in I/O or waiting, never spinning.
 */
public final class FaultProxy implements AutoCloseable {

    /** At most this many connections are open through one proxy; more are refused. */
    public static final int MAX_CONNECTIONS = 128;
    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    /** A direction of traffic. */
    public enum Direction {
        /** Requests: from the client to the server. */
        CLIENT_TO_SERVER,
        /** Replies: from the server to the client. */
        SERVER_TO_CLIENT
    }

    /** What happens to a new connection. */
    public enum NewConnections {
        /** Connected to the server and proxied (the default). */
        ACCEPT,
        /** Accepted and closed at once with a reset, as if the port refused it. */
        REFUSE,
        /** Accepted and never forwarded nor answered; it stays open until reset or closed. */
        BLACKHOLE
    }

    /**
     * What happens to the bytes of one direction.
     *
     * @param kind    the kind of fault
     * @param latency how long each chunk is delayed ({@link Kind#LATENCY} only, else zero)
     */
    public record Mode(Kind kind, Duration latency) {

        /** Kinds of mode. */
        public enum Kind { PASS, LATENCY, HOLD, DROP }

        /** Bytes go through as they come. */
        public static final Mode PASS = new Mode(Kind.PASS, Duration.ZERO);
        /** Bytes are taken in and kept, in order, until the mode changes or {@link FaultProxy#release()}. */
        public static final Mode HOLD = new Mode(Kind.HOLD, Duration.ZERO);
        /** Bytes (and the end of the stream) are taken in and discarded: the connection stays open, silent. */
        public static final Mode DROP = new Mode(Kind.DROP, Duration.ZERO);

        /**
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code latency} is negative or set on a kind other than LATENCY
         */
        public Mode {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative() || (kind != Kind.LATENCY && !latency.isZero())) {
                throw new IllegalArgumentException("latency must be >= 0 and only set for LATENCY, but was "
                        + latency + " for " + kind);
            }
        }

        /**
         * @param delay how long each chunk is held back from its arrival, e.g. 200 ms
         * @return a mode delaying every chunk by {@code delay}, order kept
         */
        public static Mode latency(Duration delay) {
            return new Mode(Kind.LATENCY, delay);
        }
    }

    /** The modes in force for a connection (or the defaults for new ones), read by the pipes at every step. */
    static final class Rules {
        private volatile Mode up = Mode.PASS;
        private volatile Mode down = Mode.PASS;

        Mode mode(Direction direction) {
            return direction == Direction.CLIENT_TO_SERVER ? up : down;
        }

        void set(Direction direction, Mode mode) {
            if (direction == Direction.CLIENT_TO_SERVER) {
                up = mode;
            } else {
                down = mode;
            }
        }

        Rules copy() {
            Rules copy = new Rules();
            copy.up = up;
            copy.down = down;
            return copy;
        }
    }

    /** Traffic counters. */
    static final class Counters {
        private final AtomicLong[] received = {new AtomicLong(), new AtomicLong()};
        private final AtomicLong[] forwarded = {new AtomicLong(), new AtomicLong()};
        private final AtomicLong commands = new AtomicLong();

        void received(Direction direction, long n) {
            received[direction.ordinal()].addAndGet(n);
        }

        void forwarded(Direction direction, long n) {
            forwarded[direction.ordinal()].addAndGet(n);
        }

        void commands(long n) {
            commands.addAndGet(n);
        }

        /** Every command clients sent, as text (bounded: the oldest go past {@link #LOG_SIZE}). */
        private final java.util.concurrent.ConcurrentLinkedDeque<String> log = new java.util.concurrent.ConcurrentLinkedDeque<>();
        private final AtomicLong logged = new AtomicLong();

        void logged(String command) {
            log.addLast(command);
            if (logged.incrementAndGet() > LOG_SIZE) {
                log.pollFirst();
            }
        }
    }

    /** How many commands {@link #commandLog()} keeps, the newest. */
    static final int LOG_SIZE = 10_000;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final Rules rules = new Rules();
    private final Counters counters = new Counters();
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Socket> blackholed = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile NewConnections newConnections = NewConnections.ACCEPT;
    private volatile boolean closed;

    private FaultProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getByName(RedisProcess.HOST));
        Thread acceptor = new Thread(this::acceptLoop, "lamina-fault-proxy-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a proxy in front of {@code host:port} (which need not be up yet: a connection made while
     * it is down is reset).
     *
     * @throws UncheckedIOException if no port can be bound
     */
    public static FaultProxy start(String host, int port) {
        try {
            return new FaultProxy(Objects.requireNonNull(host, "host"), port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a proxy port on " + RedisProcess.HOST, e);
        }
    }

    /** @return {@code redis://127.0.0.1:<port>}, to hand to a client instead of the server's */
    public String uri() {
        return "redis://" + host() + ":" + port();
    }

    /** @return {@code 127.0.0.1} */
    public String host() {
        return RedisProcess.HOST;
    }

    /** @return the port the proxy listens on */
    public int port() {
        return listener.getLocalPort();
    }

    /** Sets the mode of both directions; returns this proxy. */
    public FaultProxy mode(Mode mode) {
        return mode(Direction.CLIENT_TO_SERVER, mode).mode(Direction.SERVER_TO_CLIENT, mode);
    }

    /**
     * Sets the mode of one direction for every connection: at once for those open, and for those to come;
     * returns this proxy.
     */
    public FaultProxy mode(Direction direction, Mode mode) {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(mode, "mode");
        rules.set(direction, mode);
        return established(direction, mode);
    }

    /**
     * Sets the mode of one direction for the connections open now only; new connections keep the
     * {@linkplain #mode(Direction) proxy's mode}. E.g. {@code established(CLIENT_TO_SERVER, DROP)}: the
     * links a client holds die silently while the connections it opens next work. Returns this proxy.
     */
    public FaultProxy established(Direction direction, Mode mode) {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(mode, "mode");
        for (ProxyConnection connection : connections) {
            connection.rules().set(direction, mode);
            connection.wake();
        }
        return this;
    }

    /** {@link #established(Direction, Mode)} for both directions; returns this proxy. */
    public FaultProxy established(Mode mode) {
        return established(Direction.CLIENT_TO_SERVER, mode).established(Direction.SERVER_TO_CLIENT, mode);
    }

    /** @return the mode a new connection starts with in {@code direction} */
    public Mode mode(Direction direction) {
        return rules.mode(direction);
    }

    /**
     * Ends {@code HOLD} wherever it is in force, for the proxy and each open connection (back to
     * {@code PASS}): what was held goes out, in order. Returns this proxy.
     */
    public FaultProxy release() {
        for (Direction direction : Direction.values()) {
            if (rules.mode(direction).kind() == Mode.Kind.HOLD) {
                rules.set(direction, Mode.PASS);
            }
            for (ProxyConnection connection : connections) {
                if (connection.rules().mode(direction).kind() == Mode.Kind.HOLD) {
                    connection.rules().set(direction, Mode.PASS);
                }
                connection.wake();
            }
        }
        return this;
    }

    /** Decides what happens to connections opened from now on; returns this proxy. */
    public FaultProxy newConnections(NewConnections policy) {
        this.newConnections = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Resets every open connection (SO_LINGER 0, then close: an RST) on both sides, blackholed ones too. */
    public void resetAll() {
        endAll(true);
    }

    /** Closes every open connection in order (FIN) on both sides, blackholed ones too. */
    public void closeAll() {
        endAll(false);
    }

    /** @return connections accepted so far and proxied or blackholed (not those refused) */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** @return connections refused so far (by {@link NewConnections#REFUSE}, the limit, or a server that is down) */
    public long connectionsRefused() {
        return refused.get();
    }

    /** @return connections open now, blackholed ones included */
    public int openConnections() {
        return connections.size() + blackholed.size();
    }

    /** @return bytes handed on in {@code direction} so far (not those held, delayed or dropped) */
    public long bytesForwarded(Direction direction) {
        return counters.forwarded[direction.ordinal()].get();
    }

    /** @return bytes taken in from {@code direction}'s sender so far, whatever happened to them */
    public long bytesReceived(Direction direction) {
        return counters.received[direction.ordinal()].get();
    }

    /**
     * @return the Redis commands clients sent through the proxy so far (top-level RESP arrays and inline
     *         commands, counted as they arrive, even if then held or dropped)
     */
    public long commandsReceived() {
        return counters.commands.get();
    }

    /**
     * @return the newest commands clients sent through the proxy (at most 10 000), oldest first, each as its elements read
     *         as ISO-8859-1 and separated by spaces, cut at 300 characters (for example {@code GETRANGE ns:e:{c:k} 0 4194304});
     *         an array command is logged once it has fully arrived
     */
    public java.util.List<String> commandLog() {
        return java.util.List.copyOf(counters.log);
    }

    /** Stops listening and closes every connection; idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        endAll(false);
    }

    private void endAll(boolean reset) {
        List.copyOf(connections).forEach(reset ? ProxyConnection::reset : ProxyConnection::close);
        for (Socket socket : List.copyOf(blackholed)) {
            blackholed.remove(socket);
            ProxyConnection.end(socket, reset);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            NewConnections policy = newConnections;
            if (policy == NewConnections.REFUSE || openConnections() >= MAX_CONNECTIONS) {
                refuse(client);
            } else if (policy == NewConnections.BLACKHOLE) {
                accepted.incrementAndGet();
                blackholed.add(client);
            } else {
                accepted.incrementAndGet();
                Thread setup = new Thread(() -> connect(client), "lamina-fault-proxy-" + port() + "-connect");
                setup.setDaemon(true);
                setup.start();
            }
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            ProxyConnection.end(server, true);
            accepted.decrementAndGet();
            refuse(client);
            return;
        }
        ProxyConnection[] self = new ProxyConnection[1];
        self[0] = new ProxyConnection(client, server, rules.copy(), counters, () -> connections.remove(self[0]));
        connections.add(self[0]);
        if (closed) {
            self[0].close();
            return;
        }
        self[0].start("lamina-fault-proxy-" + port() + "-" + sequence.incrementAndGet());
    }

    private void refuse(Socket client) {
        refused.incrementAndGet();
        ProxyConnection.end(client, true);
    }

    @Override
    public String toString() {
        return "FaultProxy[" + uri() + " -> " + targetHost + ":" + targetPort + ", " + rules.up.kind() + "/"
                + rules.down.kind() + ", new connections " + newConnections + "]";
    }
}
