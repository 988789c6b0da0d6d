package io.lamina.cache.tests.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;

/**
 * Just enough of the Redis protocol (RESP) to ask a server whether it is up and who it is, so this
 * package needs no client library: one command per fresh socket, an optional {@code AUTH} first.
 */
final class Resp {

    private static final int MAX_REPLY = 1 << 20;

    private Resp() {
    }

    /**
     * @param user     the ACL user, or {@code null}
     * @param password the password, or {@code null} for none
     * @return {@code true} if the server answered {@code +PONG} within the timeout; never throws
     */
    static boolean ping(String host, int port, boolean tls, String user, String password, Duration timeout) {
        return ping(host, port, tls ? (SSLSocketFactory) SSLSocketFactory.getDefault() : null, user, password, timeout);
    }

    /** {@link #ping(String, int, boolean, String, String, Duration)} over TLS with these sockets, or plain TCP when null. */
    static boolean ping(String host, int port, SSLSocketFactory tls, String user, String password, Duration timeout) {
        try {
            return "PONG".equals(call(host, port, tls, user, password, timeout, "PING"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean ping(String host, int port, Duration timeout) {
        return ping(host, port, (SSLSocketFactory) null, null, null, timeout);
    }

    /**
     * Sends one command and returns its reply: the text of a status reply, the content of a bulk
     * string ({@code null} for nil), the digits of an integer, or the elements of a flat array joined
     * by {@code \n}.
     *
     * @throws IOException if the server cannot be reached, answers with an error or too slowly
     */
    static String call(String host, int port, boolean tls, String user, String password, Duration timeout,
                       String... command) throws IOException {
        return call(host, port, tls ? (SSLSocketFactory) SSLSocketFactory.getDefault() : null, user, password, timeout, command);
    }

    /** {@link #call(String, int, boolean, String, String, Duration, String...)} over TLS with these sockets, or plain TCP when null. */
    static String call(String host, int port, SSLSocketFactory tls, String user, String password, Duration timeout,
                       String... command) throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = tls != null ? tls.createSocket() : new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            if (password != null) {
                out.write(user == null ? encode("AUTH", password) : encode("AUTH", user, password));
            }
            out.write(encode(command));
            out.flush();
            InputStream in = socket.getInputStream();
            if (password != null) {
                readReply(in);
            }
            return readReply(in);
        }
    }

    static String call(String host, int port, Duration timeout, String... command) throws IOException {
        return call(host, port, (SSLSocketFactory) null, null, null, timeout, command);
    }

    private static byte[] encode(String... args) {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String arg : args) {
            sb.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.isEmpty()) {
            throw new IOException("empty reply");
        }
        switch (line.charAt(0)) {
            case '+':
            case ':':
                return line.substring(1);
            case '-':
                throw new ErrorReply(line.substring(1));
            case '$':
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    return null;
                }
                if (length > MAX_REPLY) {
                    throw new IOException("reply of " + length + " bytes is too large");
                }
                byte[] bulk = in.readNBytes(length + 2);
                if (bulk.length != length + 2) {
                    throw new IOException("connection closed in the middle of a reply");
                }
                return new String(bulk, 0, length, StandardCharsets.UTF_8);
            case '*':
                int count = Integer.parseInt(line.substring(1));
                StringBuilder elements = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    elements.append(i == 0 ? "" : "\n").append(readReply(in));
                }
                return count < 0 ? null : elements.toString();
            default:
                throw new IOException("unexpected reply: " + line);
        }
    }

    /** Reads one CRLF-terminated line of at most 64 KiB. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (line.size() < 65536) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the end of the reply");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
        throw new IOException("reply line longer than 64 KiB");
    }

    /** The server answered with an error reply ({@code -ERR ...}, {@code -MOVED ...}); the message is its text. */
    static final class ErrorReply extends IOException {
        ErrorReply(String text) {
            super("Redis replied with an error: " + text);
        }
    }
}
