package io.lamina.cache.tests.topology;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte-for-byte relay from {@code 127.0.0.2} (another loopback address, which no test certificate names) to a
 * server on 127.0.0.1: a client that verifies host names must refuse the server's certificate through it. Bytes are
 * not looked at (TLS passes through untouched). Close it after the test.
 */
final class LoopbackAlias implements AutoCloseable {

    static final String HOST = "127.0.0.2";

    private final ServerSocket listener;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    LoopbackAlias(int target) {
        this.target = target;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getByName(HOST));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + HOST, e);
        }
        daemon(this::accept, "loopback-alias-" + listener.getLocalPort());
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress("127.0.0.1", target), 2000);
                sockets.add(client);
                sockets.add(server);
                daemon(() -> pump(client, server), "loopback-alias-up");
                daemon(() -> pump(server, client), "loopback-alias-down");
            } catch (IOException e) {
                // closed, or the target is down: the client sees its connection closed
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        sockets.forEach(LoopbackAlias::closeQuietly);
    }
}
