package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.RemoteUnavailableException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One Lettuce connection of the tier (reads, writes, or bus publishing), opened lazily and again after a failed
 * attempt, and checked for liveness: {@link #check} PINGs it (on a Cluster, every primary it talks to) and closes and
 * reopens it when it has answered nothing for the link-check bound while PINGs time out, which is how a connection
 * that stopped passing bytes without a reset or FIN (a silent death: Lettuce keeps such a connection forever) is
 * healed. A PING refused because the server is down is not a silent death: Lettuce reconnects by itself then.
 */
final class Link implements AutoCloseable {

    private final String name;
    private final Supplier<CompletionStage<? extends StatefulConnection<byte[], byte[]>>> connector;
    private final Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commandsOf;
    private final AtomicReference<CompletableFuture<StatefulConnection<byte[], byte[]>>> connecting = new AtomicReference<>();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final LongAdder resets = new LongAdder();
    private volatile StatefulConnection<byte[], byte[]> connection;
    private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;
    private volatile long lastAnswer = System.nanoTime();
    private volatile boolean closed;

    Link(String name, Supplier<CompletionStage<? extends StatefulConnection<byte[], byte[]>>> connector,
            Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commandsOf) {
        this.name = name;
        this.connector = connector;
        this.commandsOf = commandsOf;
    }

    String name() {
        return name;
    }

    /** The commands of the open connection, or null if none is open (then {@link #commands} opens one). */
    RedisClusterAsyncCommands<byte[], byte[]> open() {
        return commands;
    }

    /** The commands of the open connection, opening it first if there is none. */
    CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
        RedisClusterAsyncCommands<byte[], byte[]> c = commands;
        if (c != null) {
            return CompletableFuture.completedFuture(c);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new RemoteUnavailableException("the Redis tier is closed"));
        }
        CompletableFuture<StatefulConnection<byte[], byte[]>> attempt = connecting.get();
        if (attempt == null || attempt.isCompletedExceptionally()) {
            CompletableFuture<StatefulConnection<byte[], byte[]>> next = new CompletableFuture<>();
            if (connecting.compareAndSet(attempt, next)) {
                startConnecting(next);
            }
            attempt = connecting.get();
        }
        return attempt.thenApply(ignored -> commands);
    }

    private void startConnecting(CompletableFuture<StatefulConnection<byte[], byte[]>> target) {
        CompletionStage<? extends StatefulConnection<byte[], byte[]>> stage;
        try {
            stage = connector.get();
        } catch (RuntimeException e) {
            target.completeExceptionally(e);
            return;
        }
        stage.whenComplete((conn, failure) -> {
            if (failure != null) {
                target.completeExceptionally(failure);
                return;
            }
            if (closed) {
                conn.closeAsync();
                target.completeExceptionally(new RemoteUnavailableException("the Redis tier is closed"));
                return;
            }
            lastAnswer = System.nanoTime();
            connection = conn;
            commands = commandsOf.apply(conn);
            target.complete(conn);
        });
    }

    /**
     * Opens a new connection (through Sentinel: to the primary it names now) and swaps it in; the old one is closed.
     * Completes when the new one is in use; on failure the old one is closed all the same and the next call opens one.
     */
    CompletableFuture<Void> reconnect() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<StatefulConnection<byte[], byte[]>> next = new CompletableFuture<>();
        StatefulConnection<byte[], byte[]> old = connection;
        connecting.set(next);
        startConnecting(next);
        return next.handle((conn, failure) -> {
            if (old != null && old != conn) {
                if (failure != null && connection == old) {
                    connection = null;
                    commands = null;
                }
                old.closeAsync();
            }
            return null;
        });
    }

    /**
     * The liveness check: PINGs the connection, if one is open, and reopens it when it has answered nothing for
     * {@code bound} while the PINGs time out. Returns whether it was reopened. Never fails.
     */
    CompletableFuture<Boolean> check(Duration bound, Duration pingTimeout) {
        RedisClusterAsyncCommands<byte[], byte[]> c = commands;
        if (c == null || closed || !checking.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(false);
        }
        return pings(c).orTimeout(pingTimeout.toNanos(), TimeUnit.NANOSECONDS).handle((ok, failure) -> {
            if (failure == null) {
                lastAnswer = System.nanoTime();
                return CompletableFuture.completedFuture(false);
            }
            boolean silent = timedOut(failure);
            if (!silent || System.nanoTime() - lastAnswer < bound.toNanos() || c != commands) {
                return CompletableFuture.completedFuture(false);
            }
            resets.increment();
            lastAnswer = System.nanoTime();
            return reconnect().thenApply(v -> true);
        }).thenCompose(f -> f).whenComplete((reopened, failure) -> checking.set(false));
    }

    /** One PING, or on a Cluster one per primary the client knows (each on its own node connection). */
    private static CompletableFuture<Void> pings(RedisClusterAsyncCommands<byte[], byte[]> c) {
        if (c instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
            List<CompletableFuture<String>> each = new ArrayList<>();
            for (RedisClusterNode node : cluster.getStatefulConnection().getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                        && !node.getSlots().isEmpty() && node.getUri() != null) {
                    each.add(cluster.getConnection(node.getNodeId()).ping().toCompletableFuture());
                }
            }
            if (each.isEmpty()) {
                each.add(c.ping().toCompletableFuture());
            }
            return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]));
        }
        return c.ping().toCompletableFuture().thenApply(pong -> null);
    }

    private static boolean timedOut(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof RedisCommandTimeoutException || t instanceof java.util.concurrent.TimeoutException;
    }

    /** Times this link was found silent and reopened. */
    long resets() {
        return resets.sum();
    }

    boolean isConnected() {
        StatefulConnection<byte[], byte[]> c = connection;
        return c != null && c.isOpen();
    }

    StatefulConnection<byte[], byte[]> connection() {
        return connection;
    }

    /** Closes the connection without waiting for it (one still being opened is closed when it arrives). */
    @Override
    public void close() {
        closed = true;
        StatefulConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.closeAsync();
            return;
        }
        CompletableFuture<StatefulConnection<byte[], byte[]>> attempt = connecting.get();
        if (attempt != null) {
            attempt.thenAccept(conn -> conn.closeAsync());
        }
    }
}
