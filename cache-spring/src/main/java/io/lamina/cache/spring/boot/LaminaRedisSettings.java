package io.lamina.cache.spring.boot;

import java.time.Duration;
import java.util.List;

/**
 * The Redis connection the auto-configuration resolved, from {@code lamina.cache.redis.*} or from Spring Boot's
 * {@code spring.data.redis.*}. A bean, so an application (or a test) can see which one was used.
 *
 * @param source              the property (or property group) the connection came from, such as
 *                            {@code lamina.cache.redis.url} or {@code spring.data.redis.host}
 * @param uris                one Redis or sentinel URI, or the cluster's node URIs; never holds a password
 *                            that was given as its own property
 * @param cluster             whether {@code uris} are Redis Cluster nodes
 * @param username            ACL user name, or null (then the URI's, if any)
 * @param password            password, or null (then the URI's, if any); hidden by {@link #toString()}
 * @param trustedCertificates PEM file of CA certificates for TLS, or null for the JVM's trust store
 * @param connectTimeout      TCP connect timeout, or null for the tier's default
 * @param commandTimeout      per-command timeout, or null for the tier's default
 * @param lockLease           lock and fill-lease lifetime, or null for the tier's default
 * @param sentinelUsername    the sentinels' own ACL user, or null
 * @param sentinelPassword    the sentinels' own password, or null (sentinels asked without authentication); hidden
 * @param topologyRefresh     the topology refresh period, or null for the tier's default
 * @param failoverReplay      the failover replay window, or null for the tier's default
 * @param linkCheck           the link check bound, or null for the tier's default
 * @param maxValueSize        the largest entry in bytes, or null for the tier's default
 */
public record LaminaRedisSettings(String source, List<String> uris, boolean cluster, String username, String password,
        String trustedCertificates, Duration connectTimeout, Duration commandTimeout, Duration lockLease,
        String sentinelUsername, String sentinelPassword, Duration topologyRefresh, Duration failoverReplay,
        Duration linkCheck, Integer maxValueSize) {

    public LaminaRedisSettings {
        uris = List.copyOf(uris);
    }

    /** Settings with the tier's default link check and largest value. */
    public LaminaRedisSettings(String source, List<String> uris, boolean cluster, String username, String password,
            String trustedCertificates, Duration connectTimeout, Duration commandTimeout, Duration lockLease,
            String sentinelUsername, String sentinelPassword, Duration topologyRefresh, Duration failoverReplay) {
        this(source, uris, cluster, username, password, trustedCertificates, connectTimeout, commandTimeout, lockLease,
                sentinelUsername, sentinelPassword, topologyRefresh, failoverReplay, null, null);
    }

    /** Settings without sentinel credentials, with the tier's default topology refresh and failover replay. */
    public LaminaRedisSettings(String source, List<String> uris, boolean cluster, String username, String password,
            String trustedCertificates, Duration connectTimeout, Duration commandTimeout, Duration lockLease) {
        this(source, uris, cluster, username, password, trustedCertificates, connectTimeout, commandTimeout, lockLease,
                null, null, null, null);
    }

    @Override
    public String toString() {
        return "LaminaRedisSettings{source=" + source + ", uris=" + uris + ", cluster=" + cluster + ", username="
                + username + ", password=" + (password == null ? "null" : "******") + ", trustedCertificates="
                + trustedCertificates + ", connectTimeout=" + connectTimeout + ", commandTimeout=" + commandTimeout
                + ", lockLease=" + lockLease + ", sentinelUsername=" + sentinelUsername + ", sentinelPassword="
                + (sentinelPassword == null ? "null" : "******") + ", topologyRefresh=" + topologyRefresh
                + ", failoverReplay=" + failoverReplay + ", linkCheck=" + linkCheck + ", maxValueSize=" + maxValueSize + '}';
    }
}
