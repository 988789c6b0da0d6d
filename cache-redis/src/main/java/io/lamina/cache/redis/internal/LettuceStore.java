package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.LeaseResult;
import io.lamina.cache.spi.RemoteKey;
import io.lamina.cache.spi.RemoteUnavailableException;
import io.lamina.cache.spi.TagKey;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The data commands of the Redis tier on one Lettuce connection (standalone, Sentinel or Cluster), each on the
 * circuit breaker of its key's route ({@link Routes}, {@link Guard}).
 *
 * <p>The connection is opened lazily and again after a failed attempt, so a template builds with Redis
 * down and starts using it once it answers; once open, Lettuce reconnects by itself and rejects commands
 * while disconnected instead of queueing them. Scripts run by EVALSHA, falling back to EVAL once when the
 * server does not know them (after a restart or on a new primary). Writes are recorded in {@link RecentWrites}
 * so that they can be made again after a failover.
 */
public final class LettuceStore implements AutoCloseable {

    private final Supplier<CompletionStage<? extends StatefulConnection<byte[], byte[]>>> connector;
    private final Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commandsOf;
    private final Guard guard;
    private final Routes routes;
    private final RecentWrites recent;
    private final AtomicReference<CompletableFuture<StatefulConnection<byte[], byte[]>>> connecting = new AtomicReference<>();
    private volatile StatefulConnection<byte[], byte[]> connection;
    private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;
    private volatile boolean closed;

    private final Script getOrLease = new Script(Scripts.GET_OR_LEASE);
    private final Script fill = new Script(Scripts.FILL);
    private final Script put = new Script(Scripts.PUT);
    private final Script releaseLease = new Script(Scripts.RELEASE_LEASE);
    private final Script tagInvalidate = new Script(Scripts.TAG_INVALIDATE);
    private final Script tagEnsure = new Script(Scripts.TAG_ENSURE);
    private final Script leaseAll = new Script(Scripts.LEASE_ALL);
    private final Script fillAll = new Script(Scripts.FILL_ALL);
    private final Script putAll = new Script(Scripts.PUT_ALL);

    public LettuceStore(Supplier<CompletionStage<? extends StatefulConnection<byte[], byte[]>>> connector,
            Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commandsOf,
            Guard guard, Routes routes, RecentWrites recent) {
        this.connector = connector;
        this.commandsOf = commandsOf;
        this.guard = guard;
        this.routes = routes;
        this.recent = recent;
    }

    /** Starts connecting in the background; never fails. */
    public void connectEagerly() {
        commands().exceptionally(e -> null);
    }

    public CompletableFuture<byte[]> get(RemoteKey key) {
        byte[] entry = RedisKeys.bytes(RedisKeys.entry(key));
        return guard.call(routes.data(entry), () -> commands().thenCompose(c -> c.get(entry)));
    }

    public CompletableFuture<LeaseResult> getOrLease(RemoteKey key, String token, Duration leaseTtl, boolean onlyIfFree) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.entry(key)), RedisKeys.bytes(RedisKeys.lease(key))};
        return this.<List<Object>>run(getOrLease, ScriptOutputType.MULTI, keys,
                utf8(token), millis(leaseTtl), utf8(onlyIfFree ? "1" : "0"))
                .thenApply(reply -> new LeaseResult(reply.size() > 3 ? (byte[]) reply.get(3) : null, ((Long) reply.get(0)) == 1L,
                        micros(reply.get(1), reply.get(2))));
    }

    public CompletableFuture<Boolean> fill(RemoteKey key, String token, byte[] value, Duration ttl) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.entry(key)), RedisKeys.bytes(RedisKeys.lease(key))};
        return this.<Long>run(fill, ScriptOutputType.INTEGER, keys, utf8(token), value, millis(ttl))
                .thenApply(stored -> stored == 1L);
    }

    public CompletableFuture<Void> releaseLease(RemoteKey key, String token) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.lease(key))};
        return this.<Long>run(releaseLease, ScriptOutputType.INTEGER, keys, utf8(token)).thenApply(ignored -> null);
    }

    public CompletableFuture<Void> put(RemoteKey key, byte[] value, Duration ttl) {
        recent.record(new RecentWrites.Entry(key));
        byte[][] keys = {RedisKeys.bytes(RedisKeys.entry(key)), RedisKeys.bytes(RedisKeys.lease(key))};
        return this.<Long>run(put, ScriptOutputType.INTEGER, keys, value, millis(ttl)).thenApply(ignored -> null);
    }

    public CompletableFuture<Void> invalidate(RemoteKey key) {
        recent.record(new RecentWrites.Entry(key));
        return remove(key);
    }

    /** Removes an entry and its lease (not recorded: the replay of a recorded write). */
    CompletableFuture<Void> remove(RemoteKey key) {
        byte[] entry = RedisKeys.bytes(RedisKeys.entry(key));
        byte[] lease = RedisKeys.bytes(RedisKeys.lease(key));
        return guard.call(routes.data(entry), () -> commands().thenCompose(c -> c.del(entry, lease)).thenApply(ignored -> null));
    }

    // ---- bulk: one MGET or script per slot group (one group on a single Redis), all groups sent at once --------

    /** Indices of {@code keys} by the group of their entry key, in first-seen order. */
    private Map<Integer, List<Integer>> groups(List<RemoteKey> keys) {
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            groups.computeIfAbsent(routes.group(RedisKeys.bytes(RedisKeys.entry(keys.get(i)))), g -> new ArrayList<>()).add(i);
        }
        return groups;
    }

    /** KEYS of a bulk script: entry and lease of each key of one group. */
    private static byte[][] entryAndLease(List<RemoteKey> keys, List<Integer> group) {
        byte[][] out = new byte[group.size() * 2][];
        for (int j = 0; j < group.size(); j++) {
            RemoteKey key = keys.get(group.get(j));
            out[2 * j] = RedisKeys.bytes(RedisKeys.entry(key));
            out[2 * j + 1] = RedisKeys.bytes(RedisKeys.lease(key));
        }
        return out;
    }

    public CompletableFuture<List<byte[]>> getAll(List<RemoteKey> keys) {
        byte[][] values = new byte[keys.size()][];
        List<CompletableFuture<?>> parts = new ArrayList<>();
        for (List<Integer> group : groups(keys).values()) {
            byte[][] entries = new byte[group.size()][];
            for (int j = 0; j < group.size(); j++) {
                entries[j] = RedisKeys.bytes(RedisKeys.entry(keys.get(group.get(j))));
            }
            parts.add(guard.call(routes.data(entries[0]), () -> commands().thenCompose(c -> c.mget(entries))).thenAccept(reply -> {
                for (int j = 0; j < group.size(); j++) {
                    values[group.get(j)] = reply.get(j).getValueOrElse(null);
                }
            }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> Arrays.asList(values));
    }

    public CompletableFuture<List<LeaseResult>> leaseAll(List<RemoteKey> keys, List<String> tokens, Duration leaseTtl) {
        LeaseResult[] results = new LeaseResult[keys.size()];
        List<CompletableFuture<?>> parts = new ArrayList<>();
        for (List<Integer> group : groups(keys).values()) {
            byte[][] args = new byte[group.size() + 1][];
            args[0] = millis(leaseTtl);
            for (int j = 0; j < group.size(); j++) {
                args[j + 1] = utf8(tokens.get(group.get(j)));
            }
            parts.add(this.<List<Object>>run(leaseAll, ScriptOutputType.MULTI, entryAndLease(keys, group), args).thenAccept(reply -> {
                long stamp = micros(reply.get(0), reply.get(1));
                for (int j = 0; j < group.size(); j++) {
                    results[group.get(j)] = new LeaseResult((byte[]) reply.get(2 * j + 3), ((Long) reply.get(2 * j + 2)) == 1L, stamp);
                }
            }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> Arrays.asList(results));
    }

    public CompletableFuture<List<Boolean>> fillAll(List<RemoteKey> keys, List<String> tokens, List<byte[]> values, List<Duration> ttls) {
        Boolean[] stored = new Boolean[keys.size()];
        List<CompletableFuture<?>> parts = new ArrayList<>();
        for (List<Integer> group : groups(keys).values()) {
            byte[][] args = new byte[group.size() * 3][];
            for (int j = 0; j < group.size(); j++) {
                int i = group.get(j);
                args[3 * j] = utf8(tokens.get(i));
                args[3 * j + 1] = values.get(i);
                args[3 * j + 2] = millis(ttls.get(i));
            }
            parts.add(this.<List<Object>>run(fillAll, ScriptOutputType.MULTI, entryAndLease(keys, group), args).thenAccept(reply -> {
                for (int j = 0; j < group.size(); j++) {
                    stored[group.get(j)] = ((Long) reply.get(j)) == 1L;
                }
            }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> Arrays.asList(stored));
    }

    /** Puts (a null value: removes) many entries, ending their leases. */
    public CompletableFuture<Void> putAll(List<RemoteKey> keys, List<byte[]> values, List<Duration> ttls) {
        for (RemoteKey key : keys) {
            recent.record(new RecentWrites.Entry(key));
        }
        List<CompletableFuture<?>> parts = new ArrayList<>();
        for (List<Integer> group : groups(keys).values()) {
            byte[][] args = new byte[group.size() * 2][];
            for (int j = 0; j < group.size(); j++) {
                int i = group.get(j);
                args[2 * j] = values.get(i) == null ? new byte[0] : values.get(i);
                args[2 * j + 1] = millis(ttls.get(i));
            }
            parts.add(this.<Long>run(putAll, ScriptOutputType.INTEGER, entryAndLease(keys, group), args));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]));
    }

    public CompletableFuture<Long> invalidateTag(TagKey tag, Duration ttl) {
        recent.record(new RecentWrites.Tag(tag, ttl));
        return bumpTag(tag, ttl);
    }

    /** Advances a tag's version (not recorded: the replay of a recorded write). */
    CompletableFuture<Long> bumpTag(TagKey tag, Duration ttl) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.tag(tag))};
        return run(tagInvalidate, ScriptOutputType.INTEGER, keys, millis(ttl));
    }

    public CompletableFuture<Long> tagVersion(TagKey tag) {
        byte[] key = RedisKeys.bytes(RedisKeys.tag(tag));
        return guard.call(routes.data(key), () -> commands().thenCompose(c -> c.get(key)))
                .thenApply(v -> v == null ? null : Long.parseLong(new String(v, StandardCharsets.UTF_8)));
    }

    public CompletableFuture<Long> ensureTag(TagKey tag, long stamp, Duration ttl) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.tag(tag))};
        return run(tagEnsure, ScriptOutputType.INTEGER, keys, utf8(Long.toString(stamp)), millis(ttl));
    }

    /** Publishes on the data connection, on no breaker (a refused heartbeat would fake a gap in the bus). */
    public CompletableFuture<Long> publish(byte[] channel, byte[] message) {
        return commands().thenCompose(c -> c.publish(channel, message));
    }

    /** Makes every write of the recent window again, as invalidations (after a failover). Never fails. */
    public CompletableFuture<Void> replayRecent() {
        List<RecentWrites.Write> window = recent.window();
        CompletableFuture<?>[] done = new CompletableFuture<?>[window.size()];
        for (int i = 0; i < window.size(); i++) {
            RecentWrites.Write w = window.get(i);
            CompletableFuture<?> f;
            if (w instanceof RecentWrites.Entry e) {
                f = remove(e.key());
            } else if (w instanceof RecentWrites.Tag t) {
                f = bumpTag(t.tag(), t.ttl());
            } else {
                RecentWrites.Message m = (RecentWrites.Message) w;
                f = publish(m.channel().getBytes(StandardCharsets.UTF_8), m.bytes());
            }
            done[i] = f.exceptionally(e -> null);
        }
        return CompletableFuture.allOf(done);
    }

    int recentCount() {
        return recent.window().size();
    }

    private static long micros(Object seconds, Object micros) {
        return Long.parseLong(text(seconds)) * 1_000_000L + Long.parseLong(text(micros));
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    private static byte[] millis(Duration d) {
        return utf8(Long.toString(Math.max(1, d.toMillis())));
    }

    /** A script on the route of its first key (every key of one script shares a hash tag: one slot). */
    private <T> CompletableFuture<T> run(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return guard.call(routes.data(keys[0]), () -> commands().thenCompose(c -> c.<T>evalsha(script.sha, type, keys, args)
                .toCompletableFuture()
                .handle((value, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(value);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof RedisNoScriptException) {
                        return c.<T>eval(script.body, type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(cause);
                }).thenCompose(f -> f)));
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

    /**
     * Opens a new connection (through Sentinel: to the primary it names now) and swaps it in; the old one is
     * closed. Completes when the new one is in use; on failure the old one stays.
     */
    public CompletableFuture<Void> reconnect() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<StatefulConnection<byte[], byte[]>> next = new CompletableFuture<>();
        StatefulConnection<byte[], byte[]> old = connection;
        connecting.set(next);
        startConnecting(next);
        return next.thenAccept(conn -> {
            if (old != null && old != conn) {
                old.closeAsync();
            }
        });
    }

    /** Whether a connection is open now. */
    public boolean isConnected() {
        StatefulConnection<byte[], byte[]> c = connection;
        return c != null && c.isOpen();
    }

    /** The open connection, if any (for the health check's PING). */
    StatefulConnection<byte[], byte[]> connection() {
        return connection;
    }

    /** Closes the connection without waiting for it. */
    @Override
    public void close() {
        closed = true;
        StatefulConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.closeAsync();
            return;
        }
        // a connection still being opened is closed when it arrives (startConnecting sees closed)
        CompletableFuture<StatefulConnection<byte[], byte[]>> attempt = connecting.get();
        if (attempt != null) {
            attempt.thenAccept(conn -> conn.closeAsync());
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
