package io.lamina.cache.redis.internal;

import io.lamina.cache.spi.InvalidationBus;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The invalidation bus on Redis pub/sub: one subscriber connection per template, messages and heartbeats published
 * on a connection of their own (so a heartbeat heard back proves the links messages take). Every disconnect of the subscriber is reported as a gap at once (Lettuce then
 * reconnects and resubscribes by itself); {@link #resubscribe()} replaces a subscriber that went silent.
 *
 * <p>Classic (not sharded) pub/sub in every topology: on a Cluster a PUBLISH reaches the subscribers of every
 * node, so a publisher and a subscriber may sit on any two nodes, and a subscriber that loses its node is moved
 * to any other. Nothing here goes through a circuit breaker: a heartbeat refused by a breaker would fake a gap.
 * Invalidation messages are recorded in {@link RecentWrites} to be published again after a failover.
 */
public final class RedisBus implements InvalidationBus, AutoCloseable {

    private final CompletableFuture<? extends AbstractRedisClient> client;
    private final Supplier<CompletionStage<StatefulRedisPubSubConnection<byte[], byte[]>>> connector;
    private final BiFunction<byte[], byte[], CompletableFuture<Long>> publisher;
    private final RecentWrites recent;
    private final Runnable reconnectPublisher;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final RedisConnectionStateListener stateListener = new StateListener();
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private volatile String channel;
    private volatile Listener listener;
    private volatile boolean closed;

    /** @param client the Lettuce client, or the stage that gives it once it is built */
    public RedisBus(CompletableFuture<? extends AbstractRedisClient> client, Supplier<CompletionStage<StatefulRedisPubSubConnection<byte[], byte[]>>> connector,
            BiFunction<byte[], byte[], CompletableFuture<Long>> publisher, RecentWrites recent, Runnable reconnectPublisher) {
        this.client = client;
        this.connector = connector;
        this.publisher = publisher;
        this.recent = recent;
        this.reconnectPublisher = reconnectPublisher;
        client.thenAccept(c -> {
            if (!closed) {
                c.addListener(stateListener);
            }
        });
    }

    @Override
    public void subscribe(String channel, Listener listener) {
        this.channel = channel;
        this.listener = listener;
        connect();
    }

    @Override
    public CompletionStage<Void> publish(String channel, byte[] message) {
        recent.record(new RecentWrites.Message(channel, message));
        return heartbeat(channel, message);
    }

    @Override
    public CompletionStage<Void> heartbeat(String channel, byte[] message) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        try {
            return publisher.apply(name, message).thenApply(receivers -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Replaces the subscriber and reopens the publisher's connection: a heartbeat not heard back may have been lost
     * on either, and both may have died silently.
     */
    @Override
    public void resubscribe() {
        try {
            reconnectPublisher.run();
        } catch (RuntimeException e) {
            // the next heartbeat tells
        }
        StatefulRedisPubSubConnection<byte[], byte[]> old = connection;
        connection = null;
        if (old != null) {
            old.closeAsync();
        }
        connect();
    }

    private void connect() {
        if (closed || listener == null || connection != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        // the gap is reported before the new subscription exists, never after: a heartbeat this subscription hears
        // back proves it, and a late "subscribed" signal would end that proof and cost a second flush and reconnect
        gap("subscribing");
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        CompletionStage<StatefulRedisPubSubConnection<byte[], byte[]>> attempt;
        try {
            attempt = connector.get();
        } catch (RuntimeException e) {
            connecting.set(false);
            return;
        }
        attempt.whenComplete((conn, failure) -> {
            if (failure != null) {
                connecting.set(false);   // the liveness check calls resubscribe() again later
                return;
            }
            if (closed) {
                connecting.set(false);
                conn.closeAsync();
                return;
            }
            conn.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] from, byte[] message) {
                    Listener l = listener;
                    // only the current subscription speaks: one being replaced may still deliver a message or two,
                    // and a heartbeat heard there would prove a link that is going away
                    if (l != null && conn == connection) {
                        l.onMessage(message);
                    }
                }
            });
            connection = conn;   // before SUBSCRIBE, so its first message already counts
            connecting.set(false);   // from now on a resubscribe() replaces this connection, whatever SUBSCRIBE answers
            conn.async().subscribe(name).whenComplete((ok, subscribeFailure) -> {
                if (subscribeFailure != null || closed) {
                    if (connection == conn) {
                        connection = null;   // the liveness check finds no heartbeat and resubscribes
                    }
                    conn.closeAsync();
                }
            });
        });
    }

    private void gap(String reason) {
        Listener l = listener;
        if (l != null) {
            l.onGap(reason);
        }
    }

    @Override
    public void close() {
        closed = true;
        AbstractRedisClient built = client.isDone() && !client.isCompletedExceptionally() ? client.join() : null;
        if (built != null) {
            built.removeListener(stateListener);
        }
        StatefulRedisPubSubConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.close();
        }
    }

    private final class StateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
            if (handler == connection) {
                gap("subscriber reconnected");
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
            if (handler == connection) {
                gap("subscriber disconnected");
            }
        }
    }
}
