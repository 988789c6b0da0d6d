package io.lamina.cache.tests.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * A server the caller may use but not stop: one given by {@code REDIS_URL}, or the read-only view of
 * the JVM-wide shared server.
 */
final class UnownedRedisServer implements RedisServer {

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(1);

    private final String uri;
    private final String host;
    private final int port;
    private final RedisSource source;
    private final boolean tls;
    private final String user;
    private final String password;

    private UnownedRedisServer(String uri, String host, int port, RedisSource source,
                               boolean tls, String user, String password) {
        this.uri = uri;
        this.host = host;
        this.port = port;
        this.source = source;
        this.tls = tls;
        this.user = user;
        this.password = password;
    }

    /**
     * @param url {@code redis://[[user]:password@]host[:port][/database]} or {@code rediss://...}
     * @throws IllegalArgumentException if the URL has no host, naming the URL
     */
    static UnownedRedisServer fromUrl(String url) {
        URI parsed;
        try {
            parsed = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(RedisSettings.URL_ENV + " is not a URI: '" + url + "'", e);
        }
        String host = parsed.getHost();
        if (host == null) {
            throw new IllegalArgumentException(RedisSettings.URL_ENV
                    + " must look like redis://host:port, but was '" + url + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String user = null;
        String password = null;
        String userInfo = parsed.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = userInfo;
            } else {
                user = colon == 0 ? null : userInfo.substring(0, colon);
                password = userInfo.substring(colon + 1);
            }
        }
        int port = parsed.getPort() < 0 ? 6379 : parsed.getPort();
        return new UnownedRedisServer(url, host, port, RedisSource.URL,
                "rediss".equalsIgnoreCase(parsed.getScheme()), user, password);
    }

    /** A view of {@code server} that can be used but not stopped. */
    static UnownedRedisServer viewOf(RedisServer server) {
        return new UnownedRedisServer(server.uri(), server.host(), server.port(), server.source(), false, null, null);
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public RedisSource source() {
        return source;
    }

    @Override
    public boolean isOwned() {
        return false;
    }

    @Override
    public boolean isRunning() {
        return Resp.ping(host, port, tls, user, password, PING_TIMEOUT);
    }

    @Override
    public void stop() {
        throw notOwned();
    }

    @Override
    public void stopGracefully() {
        throw notOwned();
    }

    @Override
    public void start() {
        throw notOwned();
    }

    @Override
    public void restart() {
        throw notOwned();
    }

    private UnsupportedOperationException notOwned() {
        return new UnsupportedOperationException("the Redis server at " + host + ":" + port + " (" + source
                + ") is not owned by this caller and cannot be stopped or started; "
                + "use RedisServers.startOwned() or an OwnedRedisServer parameter for fault tests");
    }

    @Override
    public String toString() {
        return "RedisServer[" + source + ", " + host + ":" + port + ", not owned]";
    }
}
