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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The data commands of the Redis tier (standalone, Sentinel or Cluster), each on the circuit breaker of its key's
 * route ({@link Routes}, {@link Guard}), on three connections ({@link Link}s) so that one kind of traffic never
 * queues behind another: reads (bounded GETs, tag versions), writes (the lease, fill, put and tag scripts, DEL), and
 * the bus's publishes and heartbeats. A write the server holds back ({@code CLIENT PAUSE WRITE}, a slow script) then
 * never holds up a read, and a heartbeat proves the link that carries invalidation messages, not a data link.
 *
 * <p>Connections are opened lazily and again after a failed attempt, so a template builds with Redis down and
 * starts using it once it answers; once open, Lettuce reconnects by itself and rejects commands while
 * disconnected instead of queueing them; {@link #checkLinks} reopens a connection that went silent. Scripts run by
 * EVALSHA, falling back to EVAL once when the server does not know them (after a restart or on a new primary).
 *
 * <p>Single reads are bounded before transfer: an entry larger than the largest value, or a key of another type, is
 * read as {@link Scripts#UNREADABLE} (a miss the next fill replaces) without moving it. Bulk reads (MGET) are bounded
 * after it, see {@link #getAll}. Puts are fenced: each carries a
 * deadline in the server's clock ({@link ServerClocks}) and is refused by the server if it arrives later, so a write
 * whose caller timed out never lands over a newer one. Writes are recorded in {@link RecentWrites} so that they can
 * be made again after a failover.
 */
public final class LettuceStore implements AutoCloseable {

    private final Guard guard;
    private final Routes routes;
    private final RecentWrites recent;
    private final Duration writeWindow;
    private final int maxValueBytes;
    private final byte[] maxValueArg;
    private final Link reads;
    private final Link writes;
    private final Link publishes;
    private final ServerClocks clocks = new ServerClocks(System::nanoTime);
    private final java.util.concurrent.atomic.LongAdder lateWrites = new java.util.concurrent.atomic.LongAdder();

    private final Script getOrLease = new Script(Scripts.GET_OR_LEASE);
    private final Script fill = new Script(Scripts.FILL);
    private final Script put = new Script(Scripts.PUT);
    private final Script releaseLease = new Script(Scripts.RELEASE_LEASE);
    private final Script tagInvalidate = new Script(Scripts.TAG_INVALIDATE);
    private final Script tagEnsure = new Script(Scripts.TAG_ENSURE);
    private final Script leaseAll = new Script(Scripts.LEASE_ALL);
    private final Script fillAll = new Script(Scripts.FILL_ALL);
    private final Script putAll = new Script(Scripts.PUT_ALL);
    private final Script clock = new Script(Scripts.CLOCK);
    private final Script invalidateAndPublish = new Script(Scripts.INVALIDATE);
    private final Script invalidateAll = new Script(Scripts.INVALIDATE_ALL);

    /**
     * @param writeWindow   the command timeout: how long after it was sent a put may still be stored
     * @param maxValueBytes the largest entry read or written; larger ones are misses, never transferred
     */
    public LettuceStore(Supplier<CompletionStage<? extends StatefulConnection<byte[], byte[]>>> connector,
            Function<StatefulConnection<byte[], byte[]>, RedisClusterAsyncCommands<byte[], byte[]>> commandsOf,
            Guard guard, Routes routes, RecentWrites recent, Duration writeWindow, int maxValueBytes) {
        this.guard = guard;
        this.routes = routes;
        this.recent = recent;
        this.writeWindow = writeWindow;
        this.maxValueBytes = maxValueBytes;
        this.maxValueArg = utf8(Integer.toString(maxValueBytes));
        this.reads = new Link("reads", connector, commandsOf);
        this.writes = new Link("writes", connector, commandsOf);
        this.publishes = new Link("bus publisher", connector, commandsOf);
    }

    /** Starts connecting in the background; never fails. */
    public void connectEagerly() {
        reads.commands().exceptionally(e -> null);
        writes.commands().exceptionally(e -> null);
    }

    /**
     * The entry, read with GETRANGE up to one byte past the largest value: a larger one is {@link Scripts#UNREADABLE}
     * after at most that many bytes, a key of another type (WRONGTYPE) too; an absent one (GETRANGE answers an empty
     * string, and no envelope is empty) is null.
     */
    public CompletableFuture<byte[]> get(RemoteKey key) {
        byte[] entry = RedisKeys.entryBytes(key);
        return guard.call(routes.data(entry), () -> reads.commands().thenCompose(c -> c.getrange(entry, 0, maxValueBytes)
                .toCompletableFuture()
                .handle((value, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(value == null || value.length == 0 ? null
                                : value.length > maxValueBytes ? Scripts.UNREADABLE : value);
                    }
                    Throwable cause = unwrap(failure);
                    if (String.valueOf(cause.getMessage()).startsWith("WRONGTYPE")) {
                        return CompletableFuture.completedFuture(Scripts.UNREADABLE);
                    }
                    return CompletableFuture.<byte[]>failedFuture(cause);
                }).thenCompose(f -> f)));
    }

    public CompletableFuture<LeaseResult> getOrLease(RemoteKey key, String token, Duration leaseTtl, boolean onlyIfFree) {
        byte[][] keys = {RedisKeys.entryBytes(key), RedisKeys.leaseBytes(key)};
        String route = routes.data(keys[0]);
        return this.<List<Object>>run(getOrLease, ScriptOutputType.MULTI, keys,
                utf8(token), millis(leaseTtl), utf8(onlyIfFree ? "1" : "0"), maxValueArg)
                .thenApply(reply -> {
                    long stamp = micros(reply.get(1), reply.get(2));
                    clocks.sample(route, stamp, clocks.now());
                    return new LeaseResult(reply.size() > 3 ? (byte[]) reply.get(3) : null, ((Long) reply.get(0)) == 1L, stamp);
                });
    }

    /**
     * The first step of a miss in one round trip: {@link Scripts#GET_OR_LEASE} in mode "2" returns the stored entry and
     * takes no lease, or, when none is stored, takes the fill lease if it is free. The script is a write, and the server
     * holds writes back under {@code CLIENT PAUSE WRITE} (a failover) while it still answers reads; so:
     * <ul>
     *   <li>while writes are held back ({@link #writesHeldBack}), the entry is read first on the reads link and the lease
     *       is asked for only if none is stored, as two steps; an L2 hit is then answered at once;</li>
     *   <li>a script that times out is followed by that read: a stored entry is still served, never sent to the loader,
     *       and the lease the script may take when the server runs it at last is given back after it (same link, so in
     *       order).</li>
     * </ul>
     */
    public CompletableFuture<LeaseResult> readOrLease(RemoteKey key, String token, Duration leaseTtl, Runnable onMiss) {
        if (writesHeldBack()) {
            heldBackReads.increment();
            return readThenLease(key, token, leaseTtl, onMiss);
        }
        byte[][] keys = {RedisKeys.entryBytes(key), RedisKeys.leaseBytes(key)};
        return this.<List<Object>>run(getOrLease, ScriptOutputType.MULTI, keys,
                utf8(token), millis(leaseTtl), READ_OR_LEASE, maxValueArg)
                .thenApply(reply -> {
                    if (reply.size() == 1) {
                        return new LeaseResult((byte[]) reply.get(0), false, 0L);   // the entry alone: an L2 hit
                    }
                    long stamp = micros(reply.get(1), reply.get(2));
                    clocks.sample(routes.data(keys[0]), stamp, clocks.now());
                    byte[] value = reply.size() > 3 ? (byte[]) reply.get(3) : null;
                    if (value == null) {
                        onMiss.run();
                    }
                    return new LeaseResult(value, ((Long) reply.get(0)) == 1L, stamp);
                })
                .exceptionallyCompose(failure -> {
                    Throwable cause = unwrap(failure);
                    if (!(cause instanceof io.lettuce.core.RedisCommandTimeoutException)) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    heldBackReads.increment();
                    releaseLease(key, token).exceptionally(e -> null);
                    return get(key).thenCompose(value -> value != null
                            ? CompletableFuture.completedFuture(new LeaseResult(value, false, 0L))
                            : CompletableFuture.<LeaseResult>failedFuture(cause));
                });
    }

    private CompletableFuture<LeaseResult> readThenLease(RemoteKey key, String token, Duration leaseTtl, Runnable onMiss) {
        return get(key).thenCompose(value -> {
            if (value != null) {
                return CompletableFuture.completedFuture(new LeaseResult(value, false, 0L));
            }
            onMiss.run();
            return getOrLease(key, token, leaseTtl, true);
        });
    }

    /** How long writes may go unanswered, while some are in flight, before they count as held back by the server. */
    static final long HELD_BACK_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    private static final byte[] READ_OR_LEASE = utf8("2");

    private final java.util.concurrent.atomic.LongAdder heldBackReads = new java.util.concurrent.atomic.LongAdder();

    /** Misses whose first step read the entry on the reads link because the server held this node's writes back. */
    public long heldBackReads() {
        return heldBackReads.sum();
    }

    private final java.util.concurrent.atomic.AtomicInteger writesInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long writesBusySince;
    private volatile long lastWriteAnswer;

    /**
     * Whether the server holds this node's writes back: some are in flight, and none has been answered for
     * {@link #HELD_BACK_NANOS} (since the writes link last became busy). Cheap: two volatile reads and the clock.
     */
    boolean writesHeldBack() {
        if (writesInFlight.get() == 0) {
            return false;
        }
        long answered = lastWriteAnswer;
        long busy = writesBusySince;
        long latest = answered - busy > 0 ? answered : busy;
        return System.nanoTime() - latest > HELD_BACK_NANOS;
    }

    /** A script on the writes link, counted in flight from its sending to its first answer ({@link #writesHeldBack}). */
    private <T> CompletableFuture<T> tracked(RedisClusterAsyncCommands<byte[], byte[]> c, Script script, ScriptOutputType type,
            byte[][] keys, byte[]... args) {
        if (writesInFlight.getAndIncrement() == 0) {
            writesBusySince = System.nanoTime();
        }
        try {
            return LettuceStore.<T>script(c, script, type, false, this, keys, args);
        } catch (RuntimeException e) {
            answered();
            throw e;
        }
    }

    private void answered() {
        lastWriteAnswer = System.nanoTime();
        writesInFlight.decrementAndGet();
    }

    public CompletableFuture<Boolean> fill(RemoteKey key, String token, byte[] value, Duration ttl) {
        if (value.length > maxValueBytes) {
            return CompletableFuture.failedFuture(tooLarge(value));
        }
        byte[][] keys = {RedisKeys.entryBytes(key), RedisKeys.leaseBytes(key)};
        return this.<Long>run(fill, ScriptOutputType.INTEGER, keys, utf8(token), value, millis(ttl))
                .thenApply(stored -> stored == 1L);
    }

    private RemoteUnavailableException tooLarge(byte[] value) {
        return new RemoteUnavailableException("an entry of " + value.length + " bytes is larger than maxValueSize ("
                + maxValueBytes + " bytes); not stored in Redis");
    }

    public CompletableFuture<Void> releaseLease(RemoteKey key, String token) {
        byte[][] keys = {RedisKeys.leaseBytes(key)};
        return this.<Long>run(releaseLease, ScriptOutputType.INTEGER, keys, utf8(token)).thenApply(ignored -> null);
    }

    /**
     * Stores an entry and ends its lease, fenced by a deadline in the server's clock (first asking the server its
     * time if this route's clock is not known yet). A value larger than the largest value removes the entry instead,
     * and fails.
     */
    public CompletableFuture<Void> put(RemoteKey key, byte[] value, Duration ttl) {
        recent.record(new RecentWrites.Entry(key));
        if (value.length > maxValueBytes) {
            return remove(key).thenCompose(v -> CompletableFuture.<Void>failedFuture(tooLarge(value)));
        }
        byte[][] keys = {RedisKeys.entryBytes(key), RedisKeys.leaseBytes(key)};
        String route = routes.data(keys[0]);
        return deadline(route, keys[0]).thenCompose(deadline -> this.<List<Object>>run(put, ScriptOutputType.MULTI, keys,
                value, millis(ttl), utf8(Long.toString(deadline)))).thenCompose(reply -> fenced(route, reply, 1));
    }

    /**
     * The deadline of a write sent now on {@code route}, in the server's microseconds: known from an earlier reply, or
     * asked of the server where {@code key} lives (once per route and failover).
     */
    private CompletableFuture<Long> deadline(String route, byte[] key) {
        long known = clocks.deadline(route, writeWindow);
        if (known > 0) {
            return CompletableFuture.completedFuture(known);
        }
        return this.<List<Object>>run(clock, ScriptOutputType.MULTI, new byte[][] {key}).thenApply(time -> {
            clocks.sample(route, micros(time.get(0), time.get(1)), clocks.now());
            return Math.max(1, clocks.deadline(route, writeWindow));
        });
    }

    /** The outcome of a fenced write's reply {stored, seconds, microseconds}: a failure if it was refused as late. */
    private CompletableFuture<Void> fenced(String route, List<Object> reply, long stored) {
        clocks.sample(route, micros(reply.get(1), reply.get(2)), clocks.now());
        if (((Long) reply.get(0)) < stored) {
            lateWrites.increment();
            return CompletableFuture.failedFuture(new RemoteUnavailableException("a write reached Redis after its deadline"
                    + " (its caller's timeout) and was refused, so that it cannot land over a newer one"));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Writes the server refused because they arrived after their deadline (seen only when the reply still arrives). */
    public long lateWrites() {
        return lateWrites.sum();
    }


    public CompletableFuture<Void> invalidate(RemoteKey key) {
        recent.record(new RecentWrites.Entry(key));
        return remove(key);
    }

    /** {@link #invalidate} and the bus message announcing it in one script: one round trip. */
    public CompletableFuture<Void> invalidate(RemoteKey key, String channel, byte[] message) {
        recent.record(new RecentWrites.Entry(key));
        recent.record(new RecentWrites.Message(channel, message));
        byte[][] keys = {RedisKeys.entryBytes(key), RedisKeys.leaseBytes(key)};
        return this.<Long>run(invalidateAndPublish, ScriptOutputType.INTEGER, keys, utf8(channel), message).thenApply(ignored -> null);
    }

    /** Removes an entry and its lease (not recorded: the replay of a recorded write). */
    CompletableFuture<Void> remove(RemoteKey key) {
        byte[] entry = RedisKeys.entryBytes(key);
        byte[] lease = RedisKeys.leaseBytes(key);
        return guard.call(routes.data(entry), () -> writes.commands().thenCompose(c -> c.del(entry, lease)).thenApply(ignored -> null));
    }

    // ---- bulk: one MGET or script per slot group (one group on a single Redis), all groups sent at once --------

    /** Indices of {@code keys} by the group of their entry key, in first-seen order. */
    private Map<Integer, List<Integer>> groups(List<RemoteKey> keys) {
        byte[][] entries = new byte[keys.size()][];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = RedisKeys.entryBytes(keys.get(i));
        }
        return groups(entries);
    }

    /** Indices of {@code entries} (entry keys) by their group, in first-seen order. */
    private Map<Integer, List<Integer>> groups(byte[][] entries) {
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < entries.length; i++) {
            groups.computeIfAbsent(routes.group(entries[i]), g -> new ArrayList<>()).add(i);
        }
        return groups;
    }

    /** KEYS of a bulk script: entry and lease of each key of one group. */
    private static byte[][] entryAndLease(List<RemoteKey> keys, List<Integer> group) {
        byte[][] out = new byte[group.size() * 2][];
        for (int j = 0; j < group.size(); j++) {
            RemoteKey key = keys.get(group.get(j));
            out[2 * j] = RedisKeys.entryBytes(key);
            out[2 * j + 1] = RedisKeys.leaseBytes(key);
        }
        return out;
    }

    /**
     * One MGET per slot group, on the reads link. Unlike {@link #get} it is bounded after the transfer, not before it:
     * an entry larger than the largest value is {@link Scripts#UNREADABLE} once read (a miss the page's fill replaces).
     * The bounded alternative, a read-only script checking STRLEN before each GET, costs the server about ten times an
     * MGET of the same page (docs/benchmarks.md); a key of another type is nil in an MGET, a miss as well.
     */
    public CompletableFuture<List<byte[]>> getAll(List<RemoteKey> keys) {
        byte[][] values = new byte[keys.size()][];
        byte[][] all = new byte[keys.size()][];
        for (int i = 0; i < all.length; i++) {
            all[i] = RedisKeys.entryBytes(keys.get(i));
        }
        if (all.length > 0 && oneGroup(all)) {
            // a single Redis or Sentinel primary (or a page in one slot): one MGET of the page as it is
            return mget(all, null, values).thenApply(ignored -> Arrays.asList(values));
        }
        List<CompletableFuture<?>> parts = new ArrayList<>();
        for (List<Integer> group : groups(all).values()) {
            byte[][] entries = new byte[group.size()][];
            for (int j = 0; j < group.size(); j++) {
                entries[j] = all[group.get(j)];
            }
            parts.add(mget(entries, group, values));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> Arrays.asList(values));
    }

    private boolean oneGroup(byte[][] entries) {
        int first = routes.group(entries[0]);
        for (int i = 1; i < entries.length; i++) {
            if (routes.group(entries[i]) != first) {
                return false;
            }
        }
        return true;
    }

    /** One MGET of {@code entries}; the value of entry j goes to {@code values[at.get(j)]} ({@code values[j]}: at null). */
    private CompletableFuture<Void> mget(byte[][] entries, List<Integer> at, byte[][] values) {
        return guard.call(routes.data(entries[0]), () -> reads.commands().thenCompose(c -> c.mget(entries).toCompletableFuture())
                .thenAccept(reply -> {
                    for (int j = 0; j < entries.length; j++) {
                        byte[] value = reply.get(j).getValueOrElse(null);
                        values[at == null ? j : at.get(j)] = value == null || value.length == 0 ? null
                                : value.length > maxValueBytes ? Scripts.UNREADABLE : value;
                    }
                }));
    }

    public CompletableFuture<List<LeaseResult>> leaseAll(List<RemoteKey> keys, List<String> tokens, Duration leaseTtl) {
        LeaseResult[] results = new LeaseResult[keys.size()];
        List<CompletableFuture<?>> parts = new ArrayList<>();
        for (List<Integer> group : groups(keys).values()) {
            byte[][] args = new byte[group.size() + 2][];
            args[0] = millis(leaseTtl);
            args[1] = maxValueArg;
            for (int j = 0; j < group.size(); j++) {
                args[j + 2] = utf8(tokens.get(group.get(j)));
            }
            byte[][] groupKeys = entryAndLease(keys, group);
            String route = routes.data(groupKeys[0]);
            parts.add(this.<List<Object>>run(leaseAll, ScriptOutputType.MULTI, groupKeys, args).thenAccept(reply -> {
                long stamp = micros(reply.get(0), reply.get(1));
                clocks.sample(route, stamp, clocks.now());
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
                if (values.get(i).length > maxValueBytes) {
                    return CompletableFuture.failedFuture(tooLarge(values.get(i)));
                }
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

    /**
     * Puts (a null value: removes) many entries, ending their leases, fenced like {@link #put} (one deadline per
     * group). A value larger than the largest value removes its entry instead, and the call fails.
     */
    public CompletableFuture<Void> putAll(List<RemoteKey> keys, List<byte[]> values, List<Duration> ttls) {
        for (RemoteKey key : keys) {
            recent.record(new RecentWrites.Entry(key));
        }
        List<CompletableFuture<?>> parts = new ArrayList<>();
        for (List<Integer> group : groups(keys).values()) {
            byte[][] groupKeys = entryAndLease(keys, group);
            String route = routes.data(groupKeys[0]);
            byte[] tooLarge = null;
            byte[][] args = new byte[group.size() * 2 + 1][];
            for (int j = 0; j < group.size(); j++) {
                byte[] value = values.get(group.get(j));
                if (value != null && value.length > maxValueBytes) {
                    tooLarge = value;
                    value = null;
                }
                args[2 * j + 1] = value == null ? new byte[0] : value;
                args[2 * j + 2] = millis(ttls.get(group.get(j)));
            }
            byte[] refused = tooLarge;
            parts.add(deadline(route, groupKeys[0]).thenCompose(deadline -> {
                args[0] = utf8(Long.toString(deadline));
                return this.<List<Object>>run(putAll, ScriptOutputType.MULTI, groupKeys, args);
            }).thenCompose(reply -> fenced(route, reply, 0)).thenCompose(v -> refused == null ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(tooLarge(refused))));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Removes many entries and their leases, one script per slot group (one on a single Redis), and with a
     * {@code channel} publishes {@code message} once all of them are gone: the other groups' scripts go out at once, the
     * last group's script publishes when they have all answered (one round trip with one group, two with several).
     * Fails if any part fails; the message is still published by the last group when another group failed (the keys it
     * did remove are announced; the caller replays the rest, and announces them again).
     */
    public CompletableFuture<Void> invalidateAll(List<RemoteKey> keys, String channel, byte[] message) {
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        for (RemoteKey key : keys) {
            recent.record(new RecentWrites.Entry(key));
        }
        if (channel != null) {
            recent.record(new RecentWrites.Message(channel, message));
        }
        List<List<Integer>> groups = new ArrayList<>(groups(keys).values());
        int others = channel == null ? groups.size() : groups.size() - 1;
        CompletableFuture<?>[] parts = new CompletableFuture<?>[others];
        for (int g = 0; g < others; g++) {
            parts[g] = this.<Long>run(invalidateAll, ScriptOutputType.INTEGER, entryAndLease(keys, groups.get(g)));
        }
        CompletableFuture<Void> removed = CompletableFuture.allOf(parts);
        if (channel == null) {
            return removed;
        }
        byte[][] last = entryAndLease(keys, groups.get(others));
        return removed.handle((v, failure) -> this.<Long>run(invalidateAll, ScriptOutputType.INTEGER, last, utf8(channel), message)
                .thenCompose(published -> failure == null ? CompletableFuture.<Void>completedFuture(null)
                        : CompletableFuture.<Void>failedFuture(unwrap(failure))))
                .thenCompose(f -> f);
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
        return guard.call(routes.data(key), () -> reads.commands().thenCompose(c -> c.get(key)))
                .thenApply(v -> v == null ? null : Long.parseLong(new String(v, StandardCharsets.UTF_8)));
    }

    public CompletableFuture<Long> ensureTag(TagKey tag, long stamp, Duration ttl) {
        byte[][] keys = {RedisKeys.bytes(RedisKeys.tag(tag))};
        return run(tagEnsure, ScriptOutputType.INTEGER, keys, utf8(Long.toString(stamp)), millis(ttl));
    }

    /**
     * Publishes on the bus publisher's own connection, on no breaker (a refused heartbeat would fake a gap in the
     * bus): a heartbeat heard back proves the very link invalidation messages take.
     */
    public CompletableFuture<Long> publish(byte[] channel, byte[] message) {
        return publishes.commands().thenCompose(c -> c.publish(channel, message));
    }

    /** Reopens the bus publisher's connection (a heartbeat was not heard back). */
    public CompletableFuture<Void> reconnectPublisher() {
        return publishes.reconnect();
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
        return number(seconds) * 1_000_000L + number(micros);
    }

    /** A non-negative decimal reply (TIME's parts), parsed from its bytes without a string. */
    private static long number(Object reply) {
        if (!(reply instanceof byte[] b) || b.length == 0 || b.length > 18) {
            return Long.parseLong(text(reply));
        }
        long n = 0;
        for (byte d : b) {
            if (d < '0' || d > '9') {
                return Long.parseLong(text(reply));
            }
            n = n * 10 + (d - '0');
        }
        return n;
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    private static byte[] millis(Duration d) {
        long ms = Math.max(1, d.toMillis());
        Millis last = lastMillis;
        if (last.ms == ms) {
            return last.bytes;   // arguments are never changed after they are built: shared
        }
        byte[] bytes = utf8(Long.toString(ms));
        lastMillis = new Millis(ms, bytes);
        return bytes;
    }

    /** The last duration argument built: most are the same one again (the lease time, a cache's TTL without jitter). */
    private record Millis(long ms, byte[] bytes) {
    }

    private static volatile Millis lastMillis = new Millis(-1, new byte[0]);

    /** A script on the route of its first key (every key of one script shares a hash tag: one slot), on the writes link. */
    private <T> CompletableFuture<T> run(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return guard.call(routes.data(keys[0]), () -> {
            RedisClusterAsyncCommands<byte[], byte[]> open = writes.open();
            return open != null ? this.<T>tracked(open, script, type, keys, args)
                    : writes.commands().thenCompose(c -> this.<T>tracked(c, script, type, keys, args));
        });
    }

    /** EVALSHA (read-only: EVALSHA_RO), falling back to EVAL once when the server does not know the script. */
    private static <T> CompletableFuture<T> script(RedisClusterAsyncCommands<byte[], byte[]> c, Script script, ScriptOutputType type,
            boolean readOnly, byte[][] keys, byte[]... args) {
        return script(c, script, type, readOnly, null, keys, args);
    }

    /**
     * As above; {@code tracker} (if any) learns of the first answer. One stage on the reply and the caller's future: a
     * script is on the path of every L2 read.
     */
    private static <T> CompletableFuture<T> script(RedisClusterAsyncCommands<byte[], byte[]> c, Script script, ScriptOutputType type,
            boolean readOnly, LettuceStore tracker, byte[][] keys, byte[]... args) {
        CompletableFuture<T> out = new CompletableFuture<>();
        (readOnly ? c.<T>evalshaReadOnly(script.sha, type, keys, args) : c.<T>evalsha(script.sha, type, keys, args))
                .whenComplete((value, failure) -> {
                    if (tracker != null) {
                        tracker.answered();
                    }
                    if (failure == null) {
                        out.complete(value);
                        return;
                    }
                    Throwable cause = unwrap(failure);
                    if (!(cause instanceof RedisNoScriptException)) {
                        out.completeExceptionally(cause);
                        return;
                    }
                    (readOnly ? c.<T>evalReadOnly(script.body, type, keys, args) : c.<T>eval(script.body, type, keys, args))
                            .whenComplete((again, failed) -> {
                                if (failed == null) {
                                    out.complete(again);
                                } else {
                                    out.completeExceptionally(unwrap(failed));
                                }
                            });
                });
        return out;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * Opens new connections (through Sentinel: to the primary it names now) and swaps them in, forgetting what was
     * known of the server's clock. Completes when they are in use.
     */
    public CompletableFuture<Void> reconnect() {
        clocks.forget();
        return CompletableFuture.allOf(reads.reconnect(), writes.reconnect(), publishes.reconnect());
    }

    /** Forgets what was known of the servers' clocks (the primaries changed). */
    public void forgetClocks() {
        clocks.forget();
    }

    /**
     * The liveness check of every connection: one silent for {@code bound} while its PINGs time out is closed and
     * reopened. Returns how many were reopened. Never fails.
     */
    public CompletableFuture<Integer> checkLinks(Duration bound, Duration pingTimeout) {
        List<CompletableFuture<Boolean>> checks = List.of(reads.check(bound, pingTimeout), writes.check(bound, pingTimeout),
                publishes.check(bound, pingTimeout));
        return CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> (int) checks.stream().filter(CompletableFuture::join).count());
    }

    /** Connections found silent and reopened, all links together. */
    public long linkResets() {
        return reads.resets() + writes.resets() + publishes.resets();
    }

    /** Whether the data connections are open now. */
    public boolean isConnected() {
        return reads.isConnected() && writes.isConnected();
    }

    /** The open reads connection, if any (for the health check's PING). */
    StatefulConnection<byte[], byte[]> connection() {
        return reads.connection();
    }

    /** Closes the connections without waiting for them. */
    @Override
    public void close() {
        reads.close();
        writes.close();
        publishes.close();
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
