package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client's connection through a {@link FaultProxy}: the client's socket, the socket to the server,
 * and a {@link ProxyPipe} each way. Ends when both directions have ended, when either socket fails
 * (the other side is then reset too), or when the proxy resets or closes it.
 */
final class ProxyConnection {

    private final Socket client;
    private final Socket server;
    private final ProxyPipe up;
    private final ProxyPipe down;
    private final Runnable onEnd;
    private final FaultProxy.Rules rules;
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();

    ProxyConnection(Socket client, Socket server, FaultProxy.Rules rules, FaultProxy.Counters counters,
                    Runnable onEnd) {
        this.client = client;
        this.server = server;
        this.onEnd = onEnd;
        this.rules = rules;
        RespCommandCounter commands = new RespCommandCounter(counters::logged);
        this.up = new ProxyPipe(client, server, () -> rules.mode(FaultProxy.Direction.CLIENT_TO_SERVER),
                listener(FaultProxy.Direction.CLIENT_TO_SERVER, counters, commands));
        this.down = new ProxyPipe(server, client, () -> rules.mode(FaultProxy.Direction.SERVER_TO_CLIENT),
                listener(FaultProxy.Direction.SERVER_TO_CLIENT, counters, null));
    }

    void start(String name) {
        up.start(name + "-up");
        down.start(name + "-down");
    }

    /** This connection's own modes. */
    FaultProxy.Rules rules() {
        return rules;
    }

    void wake() {
        up.wake();
        down.wake();
    }

    /** Ends the connection with a reset (RST) to both sides. */
    void reset() {
        end(true);
    }

    /** Ends the connection with an orderly close (FIN) to both sides. */
    void close() {
        end(false);
    }

    private ProxyPipe.Listener listener(FaultProxy.Direction direction, FaultProxy.Counters counters,
                                        RespCommandCounter commands) {
        return new ProxyPipe.Listener() {
            @Override
            public void received(byte[] bytes, int length) {
                counters.received(direction, length);
                if (commands != null) {
                    long before = commands.commands();
                    commands.feed(bytes, 0, length);
                    counters.commands(commands.commands() - before);
                }
            }

            @Override
            public void forwarded(int length) {
                counters.forwarded(direction, length);
            }

            @Override
            public void finished() {
                if (finished.incrementAndGet() == 2) {
                    end(false);
                }
            }

            @Override
            public void failed() {
                end(true);
            }
        };
    }

    private void end(boolean reset) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        up.stop();
        down.stop();
        for (Socket socket : new Socket[] {client, server}) {
            end(socket, reset);
        }
        onEnd.run();
    }

    static void end(Socket socket, boolean reset) {
        try {
            if (reset) {
                socket.setSoLinger(true, 0);
            } else if (!socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            // already gone
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
