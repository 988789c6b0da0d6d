package io.lamina.cache.tests.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One direction of a proxied connection: a reader thread takes bytes in as they come and queues them
 * (or discards them under {@code DROP}); a writer thread hands them on when the mode in force lets it
 * ({@code PASS} at once, {@code LATENCY} once they are old enough, {@code HOLD} never until the mode
 * changes). Threads wait on this object's monitor, woken by new bytes and by mode changes: no spinning.
 */
final class ProxyPipe {

    private static final int CHUNK = 16 * 1024;
    private static final long MAX_QUEUED = 64L * 1024 * 1024;

    /** What the pipe reports to its connection. */
    interface Listener {
        void received(byte[] bytes, int length);

        void forwarded(int length);

        /** The source ended (EOF) and the end was passed on. */
        void finished();

        /** A socket failed: the connection should be torn down. */
        void failed();
    }

    private record Chunk(byte[] bytes, long arrivedNanos) {
        boolean isEnd() {
            return bytes == null;
        }
    }

    private final Socket from;
    private final Socket to;
    private final Supplier<FaultProxy.Mode> mode;
    private final Listener listener;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>(); // guarded by this
    private long queued;                                        // guarded by this
    private boolean stopped;                                    // guarded by this

    ProxyPipe(Socket from, Socket to, Supplier<FaultProxy.Mode> mode, Listener listener) {
        this.from = from;
        this.to = to;
        this.mode = mode;
        this.listener = listener;
    }

    void start(String name) {
        daemon(name + "-in", this::readLoop);
        daemon(name + "-out", this::writeLoop);
    }

    /** Re-reads the mode: called when it changes. */
    synchronized void wake() {
        notifyAll();
    }

    synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    private void readLoop() {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = from.getInputStream();
            while (true) {
                int n = in.read(buffer);
                if (n > 0) {
                    listener.received(buffer, n);
                }
                if (mode.get().kind() == FaultProxy.Mode.Kind.DROP) {
                    if (n < 0) {
                        return; // a silent death: not even the end is passed on
                    }
                    continue;
                }
                synchronized (this) {
                    while (queued > MAX_QUEUED && !stopped) {
                        wait();
                    }
                    if (stopped) {
                        return;
                    }
                    queue.add(new Chunk(n < 0 ? null : Arrays.copyOf(buffer, n), System.nanoTime()));
                    queued += Math.max(n, 0);
                    notifyAll();
                }
                if (n < 0) {
                    return;
                }
            }
        } catch (IOException e) {
            fail();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk chunk = next();
                if (chunk == null) {
                    return;
                }
                if (chunk.isEnd()) {
                    to.shutdownOutput();
                    listener.finished();
                    return;
                }
                // counted before the write: the other end may answer (and the test go on) before this thread runs again
                listener.forwarded(chunk.bytes().length);
                out.write(chunk.bytes());
                out.flush();
            }
        } catch (IOException e) {
            fail();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the head of the queue may go out under the mode in force; {@code null} once stopped. */
    private synchronized Chunk next() throws InterruptedException {
        while (!stopped) {
            Chunk head = queue.peek();
            if (head == null) {
                wait();
                continue;
            }
            FaultProxy.Mode current = mode.get();
            switch (current.kind()) {
                case HOLD -> wait();
                case DROP -> take();
                case LATENCY -> {
                    long dueIn = head.arrivedNanos() + current.latency().toNanos() - System.nanoTime();
                    if (dueIn > 0) {
                        TimeUnit.NANOSECONDS.timedWait(this, dueIn);
                    } else {
                        return take();
                    }
                }
                default -> {
                    return take();
                }
            }
        }
        return null;
    }

    private Chunk take() {
        Chunk chunk = queue.poll();
        queued -= chunk.isEnd() ? 0 : chunk.bytes().length;
        notifyAll();
        return chunk;
    }

    private void fail() {
        boolean wasStopped;
        synchronized (this) {
            wasStopped = stopped;
        }
        if (!wasStopped) {
            listener.failed();
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
