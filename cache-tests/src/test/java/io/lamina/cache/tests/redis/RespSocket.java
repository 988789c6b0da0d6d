package io.lamina.cache.tests.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A raw RESP connection for the proxy tests: write commands (pipelined if you like), read replies one by one. */
final class RespSocket implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    RespSocket(String host, int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 2000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** @return the number of bytes written */
    int send(String... command) throws IOException {
        StringBuilder sb = new StringBuilder("*").append(command.length).append("\r\n");
        for (String arg : command) {
            sb.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return bytes.length;
    }

    /** Reads one reply: status, error ("-..."), integer or bulk string; {@code null} for nil. */
    String read() throws IOException {
        String line = line();
        switch (line.charAt(0)) {
            case '+', ':':
                return line.substring(1);
            case '-':
                return line;
            case '$':
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    return null;
                }
                byte[] bulk = in.readNBytes(length + 2);
                return new String(bulk, 0, length, StandardCharsets.UTF_8);
            default:
                throw new IOException("unexpected reply " + line);
        }
    }

    /** @return the next byte, or -1 at the end of the stream */
    int readByte() throws IOException {
        return in.read();
    }

    void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("end of stream");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
