package io.lamina.cache.redis.internal;

import io.lettuce.core.RedisURI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Reading and checking the Redis URIs a user gives, with messages that show the right form and never the
 * password. Credentials are read from the URI text here rather than from Lettuce's {@link RedisURI} accessors,
 * which differ between Lettuce 6 and 7.
 */
public final class RedisUris {

    /** The user name and password written in a URI ({@code redis://[[user:]password@]host...}); either may be null. */
    public record Credentials(String username, String password) {
    }

    private RedisUris() {
    }

    /**
     * Checks one URI: {@code redis://}, {@code rediss://} (one host), or {@code redis-sentinel://} /
     * {@code rediss-sentinel://} (one or more sentinels and {@code #primaryName}).
     *
     * @throws IllegalArgumentException naming what is wrong, with the password masked
     */
    public static RedisURI check(String uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = scheme(uri);
        boolean sentinel = scheme.endsWith("-sentinel");
        if (!sentinel && !scheme.equals("redis") && !scheme.equals("rediss") && !scheme.equals("redis-socket")) {
            throw new IllegalArgumentException("malformed Redis URI '" + mask(uri) + "': the scheme must be redis://, rediss://,"
                    + " redis-sentinel:// or rediss-sentinel://");
        }
        String hosts = hosts(uri);
        if (!sentinel && hosts.contains(",")) {
            throw new IllegalArgumentException("the Redis URI '" + mask(uri) + "' names several hosts, but a redis:// URI names one."
                    + " For a Redis Cluster give each node its own URI: RedisTier.builder().cluster(List.of(\"redis://host1:6379\","
                    + " \"redis://host2:6379\")) (Spring Boot: lamina.cache.redis.cluster.nodes=host1:6379,host2:6379);"
                    + " for Sentinel: redis-sentinel://sentinel1:26379,sentinel2:26379#primaryName");
        }
        if (sentinel && !uri.contains("#")) {
            throw new IllegalArgumentException("the Sentinel URI '" + mask(uri) + "' names no primary: add #primaryName, e.g."
                    + " redis-sentinel://sentinel1:26379,sentinel2:26379#mymaster");
        }
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed Redis URI '" + mask(uri) + "': " + mask(String.valueOf(e.getMessage())), null);
        }
        if (parsed.getHost() == null && parsed.getSentinels().isEmpty() && parsed.getSocket() == null) {
            throw new IllegalArgumentException("malformed Redis URI '" + mask(uri) + "': no host");
        }
        return parsed;
    }

    /** The credentials written in the URI. */
    public static Credentials credentials(String uri) {
        String authority = authority(uri);
        int at = authority.lastIndexOf('@');
        if (at < 0) {
            return new Credentials(null, null);
        }
        String info = authority.substring(0, at);
        int colon = info.indexOf(':');
        if (colon < 0) {
            return new Credentials(null, decode(info));
        }
        String user = decode(info.substring(0, colon));
        return new Credentials(user.isEmpty() ? null : user, decode(info.substring(colon + 1)));
    }

    /** The URI with its password (or lone secret) replaced by {@code ***}. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        return text.replaceAll("(?<=://)([^:@/\\s]*):[^@/\\s]*@", "$1:***@").replaceAll("(?<=://)([^:@/\\s]+)@", "***@");
    }

    private static String scheme(String uri) {
        int i = uri.indexOf("://");
        return i < 0 ? "" : uri.substring(0, i).toLowerCase(Locale.ROOT);
    }

    private static String authority(String uri) {
        int start = uri.indexOf("://");
        String rest = start < 0 ? uri : uri.substring(start + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return rest.substring(0, end);
    }

    private static String hosts(String uri) {
        String authority = authority(uri);
        return authority.substring(authority.lastIndexOf('@') + 1);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
