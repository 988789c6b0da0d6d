package io.lamina.cache.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Finds the Redis connection: {@code lamina.cache.redis.*} first, else Spring Boot's {@code spring.data.redis.*}
 * (read through the {@link Binder}, not Boot's {@code RedisProperties}, which moved between Boot 3 and 4), else
 * none. Follows Boot's precedence for {@code spring.data.redis}: sentinel, then cluster, then url, then host/port.
 */
final class RedisSettingsResolver {

    private static final String LAMINA = "lamina.cache.redis";
    private static final String SPRING = "spring.data.redis";
    private static final Bindable<List<String>> STRINGS = Bindable.listOf(String.class);

    private RedisSettingsResolver() {
    }

    /** Whether any connection property of either prefix is set (without validating it). */
    static boolean isConfigured(Binder binder) {
        return text(binder, LAMINA + ".url") != null || text(binder, LAMINA + ".sentinel.master") != null
                || !list(binder, LAMINA + ".sentinel.nodes").isEmpty() || !list(binder, LAMINA + ".cluster.nodes").isEmpty()
                || springConfigured(binder);
    }

    private static boolean springConfigured(Binder binder) {
        return text(binder, SPRING + ".url") != null || text(binder, SPRING + ".host") != null
                || text(binder, SPRING + ".port") != null || text(binder, SPRING + ".sentinel.master") != null
                || !list(binder, SPRING + ".cluster.nodes").isEmpty();
    }

    /**
     * The connection to use, or empty when neither prefix configures one.
     *
     * @throws IllegalArgumentException naming the property, if the settings are contradictory or invalid
     */
    static Optional<LaminaRedisSettings> resolve(LaminaCacheProperties.Redis lamina, Binder binder) {
        Connection connection = laminaConnection(lamina);
        boolean fromSpring = false;
        if (connection == null) {
            connection = springConnection(binder);
            fromSpring = connection != null;
        }
        if (connection == null) {
            return Optional.empty();
        }
        String username = Checks.hasText(lamina.getUsername()) ? lamina.getUsername()
                : fromSpring ? text(binder, SPRING + ".username") : null;
        String password = Checks.hasText(lamina.getPassword()) ? lamina.getPassword()
                : fromSpring ? text(binder, SPRING + ".password") : null;
        Duration connect = duration(lamina.getConnectTimeout(), LAMINA + ".connect-timeout", fromSpring, binder,
                SPRING + ".connect-timeout");
        Duration command = duration(lamina.getCommandTimeout(), LAMINA + ".command-timeout", fromSpring, binder,
                SPRING + ".timeout");
        Duration lease = lamina.getLockLease() == null ? null : Checks.positive(LAMINA + ".lock-lease", lamina.getLockLease());
        String certificates = Checks.hasText(lamina.getTrustedCertificates()) ? lamina.getTrustedCertificates() : null;
        LaminaCacheProperties.Sentinel sentinel = lamina.getSentinel();
        String sentinelUser = Checks.hasText(sentinel.getUsername()) ? sentinel.getUsername()
                : fromSpring ? text(binder, SPRING + ".sentinel.username") : null;
        String sentinelPassword = Checks.hasText(sentinel.getPassword()) ? sentinel.getPassword()
                : fromSpring ? text(binder, SPRING + ".sentinel.password") : null;
        Duration refresh = lamina.getTopologyRefresh() == null ? null
                : Checks.positive(LAMINA + ".topology-refresh", lamina.getTopologyRefresh());
        Duration replay = lamina.getFailoverReplay();
        if (replay != null && replay.isNegative()) {
            throw new IllegalArgumentException(LAMINA + ".failover-replay must not be negative, got " + replay);
        }
        Duration linkCheck = lamina.getLinkCheck();
        if (linkCheck != null && linkCheck.compareTo(Duration.ofMillis(300)) < 0) {
            throw new IllegalArgumentException(LAMINA + ".link-check must be at least 300ms, got " + linkCheck);
        }
        Integer maxValue = null;
        if (lamina.getMaxValueSize() != null) {
            long bytes = lamina.getMaxValueSize().toBytes();
            if (bytes < 1024 || bytes > 512L * 1024 * 1024) {
                throw new IllegalArgumentException(LAMINA + ".max-value-size must be between 1KB and 512MB, got "
                        + lamina.getMaxValueSize());
            }
            maxValue = (int) bytes;
        }
        return Optional.of(new LaminaRedisSettings(connection.source, connection.uris, connection.cluster, username,
                password, certificates, connect, command, lease, sentinelUser, sentinelPassword, refresh, replay,
                linkCheck, maxValue));
    }

    private record Connection(String source, List<String> uris, boolean cluster) {
    }

    private static Connection laminaConnection(LaminaCacheProperties.Redis lamina) {
        List<String> set = new ArrayList<>();
        if (Checks.hasText(lamina.getUrl())) {
            set.add(LAMINA + ".url");
        }
        LaminaCacheProperties.Sentinel sentinel = lamina.getSentinel();
        boolean sentinelSet = Checks.hasText(sentinel.getMaster()) || !sentinel.getNodes().isEmpty();
        if (sentinelSet) {
            set.add(LAMINA + ".sentinel");
        }
        if (!lamina.getCluster().getNodes().isEmpty()) {
            set.add(LAMINA + ".cluster.nodes");
        }
        if (set.size() > 1) {
            throw new IllegalArgumentException(String.join(" and ", set) + " are both set; set one of them");
        }
        if (Checks.hasText(lamina.getUrl())) {
            return new Connection(LAMINA + ".url", List.of(lamina.getUrl().trim()), false);
        }
        if (sentinelSet) {
            return new Connection(LAMINA + ".sentinel", List.of(sentinelUri(LAMINA, sentinel.getMaster(),
                    sentinel.getNodes(), 0, sentinel.isSsl())), false);
        }
        if (!lamina.getCluster().getNodes().isEmpty()) {
            return new Connection(LAMINA + ".cluster.nodes", clusterUris(lamina.getCluster().getNodes(), false), true);
        }
        return null;
    }

    private static Connection springConnection(Binder binder) {
        if (!springConfigured(binder)) {
            return null;
        }
        // as in Boot: TLS when ssl.enabled is true or an SSL bundle is named (the bundle's trust material is not read:
        // Lamina trusts the JVM's trust store, or lamina.cache.redis.trusted-certificates)
        boolean ssl = binder.bind(SPRING + ".ssl.enabled", Boolean.class)
                .orElse(text(binder, SPRING + ".ssl.bundle") != null);
        int database = binder.bind(SPRING + ".database", Integer.class).orElse(0);
        String master = text(binder, SPRING + ".sentinel.master");
        if (master != null) {
            return new Connection(SPRING + ".sentinel", List.of(sentinelUri(SPRING, master,
                    list(binder, SPRING + ".sentinel.nodes"), database, ssl)), false);
        }
        List<String> clusterNodes = list(binder, SPRING + ".cluster.nodes");
        if (!clusterNodes.isEmpty()) {
            return new Connection(SPRING + ".cluster.nodes", clusterUris(clusterNodes, ssl), true);
        }
        String url = text(binder, SPRING + ".url");
        if (url != null) {
            return new Connection(SPRING + ".url", List.of(url.trim()), false);
        }
        String host = Optional.ofNullable(text(binder, SPRING + ".host")).orElse("localhost").trim();
        int port = binder.bind(SPRING + ".port", Integer.class).orElse(6379);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(SPRING + ".port must be in [1, 65535], got " + port);
        }
        String uri = (ssl ? "rediss://" : "redis://") + bracketed(host) + ":" + port + (database != 0 ? "/" + database : "");
        return new Connection(SPRING + ".host", List.of(uri), false);
    }

    private static String sentinelUri(String prefix, String master, List<String> nodes, int database, boolean ssl) {
        if (!Checks.hasText(master)) {
            throw new IllegalArgumentException(prefix + ".sentinel.master must be set when " + prefix
                    + ".sentinel.nodes is");
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException(prefix + ".sentinel.nodes must list at least one sentinel (host:port)");
        }
        List<String> hosts = new ArrayList<>();
        for (String node : nodes) {
            String n = node.trim();
            hosts.add(n.lastIndexOf(':') > n.lastIndexOf(']') ? n : n + ":26379");
        }
        return (ssl ? "rediss-sentinel://" : "redis-sentinel://") + String.join(",", hosts)
                + (database != 0 ? "/" + database : "") + "#" + master.trim();
    }

    private static List<String> clusterUris(List<String> nodes, boolean ssl) {
        List<String> uris = new ArrayList<>();
        for (String node : nodes) {
            String n = node.trim();
            uris.add(n.contains("://") ? n : (ssl ? "rediss://" : "redis://") + n);
        }
        return uris;
    }

    private static Duration duration(Duration lamina, String laminaProperty, boolean fromSpring, Binder binder,
            String springProperty) {
        if (lamina != null) {
            return Checks.positive(laminaProperty, lamina);
        }
        if (!fromSpring) {
            return null;
        }
        return binder.bind(springProperty, Duration.class).map(d -> Checks.positive(springProperty, d)).orElse(null);
    }

    private static String bracketed(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String text(Binder binder, String name) {
        String value = binder.bind(name, String.class).map(String::trim).orElse(null);
        return value == null || value.isEmpty() ? null : value;
    }

    private static List<String> list(Binder binder, String name) {
        return binder.bind(name, STRINGS).orElse(List.of());
    }
}
