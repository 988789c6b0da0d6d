package io.lamina.cache.spring.boot.health;

import io.lamina.cache.spring.boot.LaminaRedisSettings;
import java.util.ArrayList;
import java.util.List;

/** A one-line description of a Redis connection, without credentials: for the startup line and the health details. */
public final class Topology {

    private Topology() {
    }

    /** Such as {@code standalone 10.0.0.5:6379/2 (TLS)}, {@code sentinel master mymaster via a:26379,b:26379}. */
    public static String describe(LaminaRedisSettings settings) {
        if (settings.cluster()) {
            List<String> hosts = new ArrayList<>();
            settings.uris().forEach(u -> hosts.add(hostPart(u)));
            return "cluster, seed nodes " + String.join(",", hosts) + tls(settings.uris().get(0));
        }
        String uri = settings.uris().get(0);
        if (uri.startsWith("redis-sentinel://") || uri.startsWith("rediss-sentinel://")) {
            int hash = uri.indexOf('#');
            String master = hash < 0 ? "?" : uri.substring(hash + 1);
            return "sentinel, master " + master + " via " + hostPart(hash < 0 ? uri : uri.substring(0, hash))
                    + tls(uri);
        }
        return "standalone " + hostPart(uri) + tls(uri);
    }

    private static String tls(String uri) {
        return uri.startsWith("rediss") ? " (TLS)" : "";
    }

    /** host:port[/db] of a URI, dropping the scheme, user info and query. */
    static String hostPart(String uri) {
        String s = uri;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        int query = s.indexOf('?');
        if (query >= 0) {
            s = s.substring(0, query);
        }
        return s;
    }
}
