package io.lamina.cache.redis.internal;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.SslVerificationMode;

/**
 * Redisson's configuration for the lock, for each topology: the same servers, database and credentials as the
 * Lettuce side, bounded timeouts, no retries, strict TLS.
 *
 * <p>The lock is an efficiency lock (correctness comes from the fenced fill), so it never waits for replicas:
 * {@code checkLockSyncedSlaves} is off, or Redisson would fail every lock whenever a replica lags or stalls, and the
 * {@code WAIT} Redisson sends after each lock script anyway is bounded to 1 ms. Redisson learns of a failover only by rescanning the topology, so it does so every second.
 */
public final class RedissonConfigs {

    /** Where and how to connect. {@code trust} may be null (the JVM's trust store). */
    public record Settings(Topology topology, List<RedisURI> uris, String username, String password, String sentinelUsername,
            String sentinelPassword, Duration commandTimeout,
            Duration connectTimeout, Duration lockLease, Duration topologyRefresh, TrustManagerFactory trust, Duration linkCheck) {

        /** Settings with the default link check (3 s). */
        public Settings(Topology topology, List<RedisURI> uris, String username, String password, String sentinelUsername,
                String sentinelPassword, Duration commandTimeout, Duration connectTimeout, Duration lockLease,
                Duration topologyRefresh, TrustManagerFactory trust) {
            this(topology, uris, username, password, sentinelUsername, sentinelPassword, commandTimeout, connectTimeout,
                    lockLease, topologyRefresh, trust, Duration.ofSeconds(3));
        }
    }

    private RedissonConfigs() {
    }

    public static Config of(Settings s) {
        Config config = new Config();
        config.setLazyInitialization(false);   // created eagerly, in the background: see RedissonLauncher
        config.setCheckLockSyncedSlaves(false);
        // Redisson still sends WAIT after each lock script on Sentinel and Cluster, with this timeout, whatever
        // checkLockSyncedSlaves says: with a stalled replica every lock took the whole timeout (1 s by default)
        config.setSlavesSyncTimeout(1);
        // the lock stores no values: no codec beyond strings is needed, and Kryo (Redisson's default) is excluded
        config.setCodec(org.redisson.client.codec.StringCodec.INSTANCE);
        config.setNettyThreads(4);
        config.setThreads(2);
        config.setLockWatchdogTimeout(s.lockLease().toMillis());
        int timeout = (int) Math.min(Integer.MAX_VALUE, s.commandTimeout().toMillis());
        int connect = (int) Math.min(Integer.MAX_VALUE, s.connectTimeout().toMillis());
        int scan = 1000;   // Redisson learns of a failover only by scanning: once a second, whatever Lettuce does
        RedisURI first = s.uris().get(0);
        switch (s.topology()) {
            case CLUSTER -> {
                var servers = config.useClusterServers().setScanInterval(scan);
                s.uris().forEach(u -> servers.addNodeAddress(address(u)));
                common(servers, s, timeout, connect).setMasterConnectionMinimumIdleSize(1).setSlaveConnectionMinimumIdleSize(0)
                        .setSubscriptionConnectionMinimumIdleSize(1);
                if (s.trust() != null) {
                    servers.setSslTrustManagerFactory(s.trust());
                }
            }
            case SENTINEL -> {
                // the same database as Lettuce's entries, so a key's lock lives beside it
                var servers = config.useSentinelServers().setMasterName(first.getSentinelMasterId()).setDatabase(first.getDatabase())
                        .setScanInterval(1000).setCheckSentinelsList(false);
                first.getSentinels().forEach(sentinel -> servers.addSentinelAddress(address(sentinel)));
                if (s.sentinelPassword() != null) {
                    servers.setSentinelUsername(s.sentinelUsername()).setSentinelPassword(s.sentinelPassword());
                    // Redisson 3.52 uses these only when the data nodes have a password and a sentinel refused it
                    // without one; otherwise it asked the sentinels as their default user (SentinelAclIT saw it).
                    // A resolver's credentials come before the configured ones, so it names them per address.
                    servers.setCredentialsResolver(sentinelCredentials(first.getSentinels(), s.sentinelUsername(), s.sentinelPassword()));
                }
                common(servers, s, timeout, connect).setMasterConnectionMinimumIdleSize(1).setSlaveConnectionMinimumIdleSize(0)
                        .setSubscriptionConnectionMinimumIdleSize(1);
                if (s.trust() != null) {
                    servers.setSslTrustManagerFactory(s.trust());
                }
            }
            default -> {
                var server = config.useSingleServer().setAddress(address(first)).setDatabase(first.getDatabase());
                common(server, s, timeout, connect).setConnectionMinimumIdleSize(1).setConnectionPoolSize(8)
                        .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(4);
                if (s.trust() != null) {
                    server.setSslTrustManagerFactory(s.trust());
                }
            }
        }
        return config;
    }

    private static <T extends BaseConfig<T>> T common(T config, Settings s, int timeout, int connect) {
        // a connection that stops answering is found by Redisson's PING (every third of the link check) and replaced, as
        // Lettuce's are by the tier's link check; TCP keepalive and TCP_USER_TIMEOUT as on the Lettuce side (where the
        // platform has them)
        int ping = (int) Math.min(Integer.MAX_VALUE, Math.max(100, s.linkCheck().toMillis() / 3));
        return config.setTimeout(timeout).setConnectTimeout(connect).setRetryAttempts(0)
                .setPingConnectionInterval(ping).setKeepAlive(true).setTcpKeepAliveIdle(5).setTcpKeepAliveInterval(1)
                .setTcpKeepAliveCount(3).setTcpUserTimeout(10_000)
                .setSslVerificationMode(SslVerificationMode.STRICT).setUsername(s.username()).setPassword(s.password());
    }

    /** The sentinels' credentials for a sentinel's address; none (the configured data-node ones) for any other. */
    private static org.redisson.config.CredentialsResolver sentinelCredentials(List<RedisURI> sentinels, String user, String password) {
        org.redisson.config.Credentials forSentinels = new org.redisson.config.Credentials(user, password);
        org.redisson.config.Credentials others = new org.redisson.config.Credentials();
        return address -> java.util.concurrent.CompletableFuture.completedFuture(sentinels.stream().anyMatch(sentinel ->
                sentinel.getPort() == address.getPort() && (sentinel.getHost().equalsIgnoreCase(address.getHostString())
                        || address.getAddress() != null && sentinel.getHost().equals(address.getAddress().getHostAddress())))
                ? forSentinels : others);
    }

    private static String address(RedisURI uri) {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
    }
}
