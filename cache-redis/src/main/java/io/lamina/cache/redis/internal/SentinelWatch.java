package io.lamina.cache.redis.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows the primary of a Sentinel group the moment the sentinels switch it.
 *
 * <p>A Lettuce connection made through Sentinel asks for the primary only when it (re)connects; after a graceful
 * {@code SENTINEL FAILOVER} the old primary stays up, so the connection would keep writing to it until Sentinel
 * demotes it many seconds later, and those writes are then lost. This watch subscribes to {@code +switch-master}
 * on every sentinel and, as a safety net for a lost message, asks the sentinels for the primary every
 * {@code period}; whenever the primary it learns differs from the last one, it calls {@code onSwitch} (which
 * reconnects the data and bus links and replays recent writes). No I/O on the caller's thread.
 */
public final class SentinelWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.lamina.cache.redis");

    private final RedisClient client;
    private final RedisURI uri;
    private final String master;
    private final Consumer<String> onSwitch;
    private final List<StatefulRedisPubSubConnection<String, String>> subscriptions = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private volatile String primary;
    private volatile boolean closed;

    public SentinelWatch(RedisClient client, RedisURI uri, Duration period, ScheduledExecutorService timer, Consumer<String> onSwitch) {
        this.client = client;
        this.uri = uri;
        this.master = uri.getSentinelMasterId();
        this.onSwitch = onSwitch;
        this.timer = timer;
        for (RedisURI sentinel : uri.getSentinels()) {
            subscribe(sentinel);
        }
        timer.scheduleWithFixedDelay(this::check, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The primary's {@code host:port} as last learned from the sentinels; null before the first answer. */
    public String primary() {
        return primary;
    }

    private void subscribe(RedisURI sentinel) {
        client.connectPubSubAsync(StringCodec.UTF8, sentinel).whenComplete((conn, failure) -> {
            if (failure != null) {
                // a sentinel down at startup: the periodic check covers it
                return;
            }
            if (closed) {
                conn.closeAsync();
                return;
            }
            subscriptions.add(conn);
            conn.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    // "<master-name> <old-ip> <old-port> <new-ip> <new-port>"
                    String[] parts = message.split(" ");
                    if (parts.length == 5 && parts[0].equals(master)) {
                        learned(parts[3] + ":" + parts[4]);
                    }
                }
            });
            conn.async().subscribe("+switch-master");
        });
    }

    private void check() {
        if (closed) {
            return;
        }
        ask(0);
    }

    /** Asks the sentinels in turn until one answers. */
    private void ask(int index) {
        List<RedisURI> sentinels = uri.getSentinels();
        if (index >= sentinels.size() || closed) {
            return;
        }
        CompletableFuture<StatefulRedisSentinelConnection<String, String>> conn = client.connectSentinelAsync(StringCodec.UTF8,
                sentinelOnly(sentinels.get(index)));
        conn.thenCompose(c -> c.async().getMasterAddrByName(master).toCompletableFuture()
                        .whenComplete((a, e) -> c.closeAsync()))
                .orTimeout(uri.getTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS)
                .whenComplete((address, failure) -> {
                    if (failure != null || address == null) {
                        ask(index + 1);
                    } else {
                        learned(name(address));
                    }
                });
    }

    /** A sentinel's own URI (its host, port, timeout and credentials, set by the tier), without a primary to resolve. */
    private static RedisURI sentinelOnly(RedisURI sentinel) {
        return sentinel;
    }

    private void learned(String address) {
        String before;
        synchronized (this) {
            before = primary;
            if (Objects.equals(before, address)) {
                return;
            }
            primary = address;
        }
        if (before != null && !closed) {
            LOG.log(System.Logger.Level.INFO, "Sentinel switched the primary of " + master + " from " + before + " to " + address
                    + "; reconnecting and replaying recent writes");
            timer.execute(() -> onSwitch.accept(address));
        }
    }

    private static String name(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public void close() {
        closed = true;
        subscriptions.forEach(StatefulRedisPubSubConnection::closeAsync);
    }
}
