package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteUnavailableException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The data commands of the Redis tier on one Lettuce connection (standalone, Sentinel or Cluster).
 *
 * <p>The connection is opened lazily and again after a failed attempt, so a template builds with Redis
 * down and starts using it once it answers; once open, Lettuce reconnects by itself and rejects commands
 * while disconnected instead of queueing them. Scripts run by EVALSHA, falling back to EVAL once when the
 * server does not know them (after a restart).
 */
public final class LettuceStore implements AutoCloseable {

    private final Supplier<CompletionStage<? extends StatefulConnection<byte[], byte[]>>> connector;
    private final Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commandsOf;
    private final AtomicReference<CompletableFuture<StatefulConnection<byte[], byte[]>>> connecting = new AtomicReference<>();
    private volatile StatefulConnection<byte[], byte[]> connection;
    private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;
    private volatile boolean closed;

    private final Script getOrLease = new Script(Scripts.GET_OR_LEASE);
    private final Script fill = new Script(Scripts.FILL);
    private final Script put = new Script(Scripts.PUT);
    private final Script tagInvalidate = new Script(Scripts.TAG_INVALIDATE);
    private final Script tagEnsure = new Script(Scripts.TAG_ENSURE);

    public LettuceStore(Supplier<CompletionStage<? extends StatefulConnection<byte[], byte[]>>> connector,
            Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commandsOf) {
        this.connector = connector;
        this.commandsOf = commandsOf;
    }

    /** Starts connecting in the background; never fails. */
    public void connectEagerly() {
        commands().exceptionally(e -> null);
    }

    public CompletableFuture<byte[]> get(RemoteKey key) {
        byte[] entry = RedisKeys.bytes(RedisKeys.entry(key));
        return commands().thenCompose(c -> c.get(entry));
    }

    public CompletableFuture<LeaseResult> getOrLease(RemoteKey key, String token, Duration leaseTtl, boolean onlyIfFree) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.entry(key)), RedisKeys.bytes(RedisKeys.lease(key))};
        return this.<List<Object>>run(getOrLease, ScriptOutputType.MULTI, keys,
                utf8(token), utf8(Long.toString(Math.max(1, leaseTtl.toMillis()))), utf8(onlyIfFree ? "1" : "0"))
                .thenApply(reply -> new LeaseResult(reply.size() > 3 ? (byte[]) reply.get(3) : null, ((Long) reply.get(0)) == 1L,
                        micros(reply.get(1), reply.get(2))));
    }

    public CompletableFuture<Boolean> fill(RemoteKey key, String token, byte[] value, Duration ttl) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.entry(key)), RedisKeys.bytes(RedisKeys.lease(key))};
        return this.<Long>run(fill, ScriptOutputType.INTEGER, keys, utf8(token), value, utf8(Long.toString(Math.max(1, ttl.toMillis()))))
                .thenApply(stored -> stored == 1L);
    }

    public CompletableFuture<Void> put(RemoteKey key, byte[] value, Duration ttl) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.entry(key)), RedisKeys.bytes(RedisKeys.lease(key))};
        return this.<Long>run(put, ScriptOutputType.INTEGER, keys, value, utf8(Long.toString(Math.max(1, ttl.toMillis()))))
                .thenApply(ignored -> null);
    }

    public CompletableFuture<Long> invalidateTag(io.lamina.cache.spi.TagKey tag, Duration ttl) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.tag(tag))};
        return run(tagInvalidate, ScriptOutputType.INTEGER, keys, utf8(Long.toString(Math.max(1, ttl.toMillis()))));
    }

    public CompletableFuture<Long> tagVersion(io.lamina.cache.spi.TagKey tag) {
        byte[] key = RedisKeys.bytes(RedisKeys.tag(tag));
        return commands().thenCompose(c -> c.get(key)).thenApply(v -> v == null ? null : Long.parseLong(new String(v, StandardCharsets.UTF_8)));
    }

    public CompletableFuture<Long> ensureTag(io.lamina.cache.spi.TagKey tag, long stamp, Duration ttl) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.tag(tag))};
        return run(tagEnsure, ScriptOutputType.INTEGER, keys, utf8(Long.toString(stamp)), utf8(Long.toString(Math.max(1, ttl.toMillis()))));
    }

    private static long micros(Object seconds, Object micros) {
        return Long.parseLong(text(seconds)) * 1_000_000L + Long.parseLong(text(micros));
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    public CompletableFuture<Long> publish(byte[] channel, byte[] message) {
        return commands().thenCompose(c -> c.publish(channel, message));
    }

    public CompletableFuture<Void> invalidate(RemoteKey key) {
        byte[] entry = RedisKeys.bytes(RedisKeys.entry(key));
        byte[] lease = RedisKeys.bytes(RedisKeys.lease(key));
        return commands().thenCompose(c -> c.del(entry, lease)).thenApply(ignored -> null);
    }

    private <T> CompletableFuture<T> run(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return commands().thenCompose(c -> c.<T>evalsha(script.sha, type, keys, args).toCompletableFuture()
                .handle((value, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof RedisNoScriptException) {
                        return c.<T>eval(script.body, type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(cause);
                }).thenCompose(f -> f));
    }

    private CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> commands() {
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
            connection = conn;
            commands = commandsOf.apply(conn);
            target.complete(conn);
        });
    }

    /** Whether a connection is open now. */
    public boolean isConnected() {
        StatefulConnection<byte[], byte[]> c = connection;
        return c != null && c.isOpen();
    }

    @Override
    public void close() {
        closed = true;
        StatefulConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.close();
            return;
        }
        // a connection still being opened is closed when it arrives (startConnecting sees closed)
        CompletableFuture<StatefulConnection<byte[], byte[]>> attempt = connecting.get();
        if (attempt != null) {
            attempt.thenAccept(conn -> {
                if (conn.isOpen()) {
                    conn.close();
                }
            });
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final class Script {
        final byte[] body;
        final String sha;

        Script(String body) {
            this.body = utf8(body);
            try {
                this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.body));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required by every Java platform", e);
            }
        }
    }
}
