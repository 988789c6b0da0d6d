package io.lamina.cache.spring.boot;

import io.lamina.cache.LockTimeoutPolicy;
import io.lamina.cache.spring.TransactionMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Lamina's settings under {@code lamina.cache}. Unknown keys fail startup (a typo must not silently fall back
 * to a default); invalid values fail startup with a message naming the property.
 *
 * <pre>{@code
 * lamina.cache:
 *   namespace: shop
 *   redis.url: redis://cache.internal:6379
 *   defaults: { ttl: 10m, jitter: 30s }
 *   caches:
 *     products: { ttl: 30m, null-ttl: 30s, fail-safe: 1h }
 * }</pre>
 */
@ConfigurationProperties(prefix = "lamina.cache", ignoreUnknownFields = false)
public class LaminaCacheProperties {

    /**
     * Whether Lamina is on: false turns the whole auto-configuration off (no template, no Redis clients, no advisor,
     * no CacheManager, no endpoint or health); methods annotated with @Cached then run uncached.
     */
    private boolean enabled = true;

    /**
     * Prefix of every key, Redis channel and lock of this application's caches; applications sharing a Redis
     * and a namespace share their entries. Letters, digits, '.', '_' and '-', 1 to 64 characters.
     */
    private String namespace = "lamina";

    /** The Redis tier (L2). When unset, spring.data.redis.* is used; when that is unset too, Lamina runs L1 only. */
    private final Redis redis = new Redis();

    /** Options every cache inherits where its own options (lamina.cache.caches.NAME.*) are unset. */
    private final Options defaults = new Options();

    /** Named caches and their options; unset options inherit lamina.cache.defaults.*. */
    private Map<String, Options> caches = new LinkedHashMap<>();

    /**
     * How long a tag's version is kept in Redis after its last use; an entry whose tag version expired counts as
     * invalidated. At least 1s.
     */
    private Duration tagTtl = Duration.ofDays(1);

    /**
     * How often each node checks its invalidation subscription by hearing its own heartbeat; one not heard within
     * three intervals flushes the L1 tier and resubscribes. At least 10ms.
     */
    private Duration busCheckInterval = Duration.ofSeconds(1);

    /** The bounded pool running background refreshes and loads under a soft or hard timeout. */
    private final LoaderPool loaderPool = new LoaderPool();

    /** Whether using a cache name not declared under lamina.cache.caches is an error (instead of a cache with the defaults). */
    private boolean requireDeclaredCaches;

    /**
     * When put, invalidate, invalidate-tags and invalidate-all (through the CacheTemplate bean, the CacheManager and
     * the @Invalidate / @InvalidateTags annotations) take effect inside a Spring transaction: BOTH (at once and again
     * after the commit, the default), AFTER_COMMIT, or IMMEDIATE. Needs spring-tx on the class path.
     */
    private TransactionMode transactionAware = TransactionMode.BOTH;

    /** How values are turned into the bytes stored in Redis. */
    private final Codec codec = new Codec();

    /** HMAC signing of the entries stored in Redis: unset, entries are neither signed nor checked. */
    private final Signing signing = new Signing();

    /** The Spring CacheManager over Lamina (used by @Cacheable): the value type of each cache. */
    private final CacheManager cacheManager = new CacheManager();

    /** The lamina health contributor (management.health.lamina.enabled turns it off). */
    private final Health health = new Health();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public Redis getRedis() {
        return redis;
    }

    public Options getDefaults() {
        return defaults;
    }

    public Map<String, Options> getCaches() {
        return caches;
    }

    public void setCaches(Map<String, Options> caches) {
        this.caches = caches;
    }

    public Duration getTagTtl() {
        return tagTtl;
    }

    public void setTagTtl(Duration tagTtl) {
        this.tagTtl = tagTtl;
    }

    public Duration getBusCheckInterval() {
        return busCheckInterval;
    }

    public void setBusCheckInterval(Duration busCheckInterval) {
        this.busCheckInterval = busCheckInterval;
    }

    public LoaderPool getLoaderPool() {
        return loaderPool;
    }

    public boolean isRequireDeclaredCaches() {
        return requireDeclaredCaches;
    }

    public void setRequireDeclaredCaches(boolean requireDeclaredCaches) {
        this.requireDeclaredCaches = requireDeclaredCaches;
    }

    public TransactionMode getTransactionAware() {
        return transactionAware;
    }

    public void setTransactionAware(TransactionMode transactionAware) {
        this.transactionAware = transactionAware;
    }

    public Codec getCodec() {
        return codec;
    }

    public Signing getSigning() {
        return signing;
    }

    public CacheManager getCacheManager() {
        return cacheManager;
    }

    public Health getHealth() {
        return health;
    }

    /** What the health contributor reports when Redis is not usable. */
    public static class Health {

        /**
         * Status when Redis is unreachable, the breaker is open or the invalidation bus is down. DEGRADED (the default)
         * is not in Boot's status order, so the application stays UP while Lamina serves from L1 and the loaders; DOWN
         * or OUT_OF_SERVICE take the application down with it.
         */
        private String notUpStatus = "DEGRADED";

        public String getNotUpStatus() {
            return notUpStatus;
        }

        public void setNotUpStatus(String notUpStatus) {
            this.notUpStatus = notUpStatus;
        }
    }

    /**
     * Value types of the Spring CacheManager's caches. Lamina never reads a class name from stored bytes, so each
     * cache used through Spring's cache annotations is declared here with the type its values decode to.
     */
    public static class CacheManager {

        /**
         * Whether Lamina registers its Spring CacheManager. Even when true it does so only if the application defines
         * no CacheManager bean and spring.cache.type is unset.
         */
        private boolean enabled = true;

        /**
         * Cache name to the type of its values, fully qualified and with its type arguments, as in Java source:
         * products: com.example.Product, product-lists: java.util.List<com.example.Product>.
         */
        private Map<String, String> types = new LinkedHashMap<>();

        /**
         * Value type of caches not listed in types (same syntax); unset (the default) makes such names unknown to the
         * manager, and a Spring cache annotation naming one fails startup. java.lang.Object decodes remote hits as
         * plain JSON shapes (maps, lists, strings, numbers as Integer, Long or Double).
         */
        private String defaultType;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Map<String, String> getTypes() {
            return types;
        }

        public void setTypes(Map<String, String> types) {
            this.types = types;
        }

        public String getDefaultType() {
            return defaultType;
        }

        public void setDefaultType(String defaultType) {
            this.defaultType = defaultType;
        }
    }

    /**
     * HMAC-SHA256 signing of the entries in Redis. With a key, a node stores only signed entries and serves only
     * entries that verify with the key or an accepted one. Never printed: {@link #toString()} masks both.
     */
    public static class Signing {

        /**
         * The current signing key, base64 (standard alphabet), at least 32 bytes once decoded, e.g. the output of
         * `openssl rand -base64 32`. Unset: entries are neither signed nor checked. Every node of the namespace needs
         * it (or accepts it).
         */
        private String key;

        /** Older keys whose entries are still served during a key rotation (base64 each); they never sign. Needs key. */
        private List<String> acceptedKeys = new ArrayList<>();

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public List<String> getAcceptedKeys() {
            return acceptedKeys;
        }

        public void setAcceptedKeys(List<String> acceptedKeys) {
            this.acceptedKeys = acceptedKeys;
        }

        @Override
        public String toString() {
            return "Signing{key=" + (key == null ? "unset" : "***") + ", acceptedKeys=" + (acceptedKeys == null ? 0 : acceptedKeys.size())
                    + " (***)}";
        }
    }

    /** The JSON codec of values in Redis. */
    public static class Codec {

        /**
         * Whether the codec is built from the application's Jackson 2 ObjectMapper bean (its modules and
         * spring.jackson.* settings), with Lamina's safety rules applied to a copy; without such a bean, or when
         * false, Lamina's own mapper (java.time, Optional and parameter names) is used.
         */
        private boolean applicationObjectMapper = true;

        /** Most bytes of one encoded value; larger values are not stored in Redis. Default 1 MiB. */
        private int maxBytes = io.lamina.cache.spi.JsonCodec.DEFAULT_MAX_BYTES;

        /** Deepest JSON nesting accepted when decoding. Default 64. */
        private int maxDepth = io.lamina.cache.spi.JsonCodec.DEFAULT_MAX_DEPTH;

        public boolean isApplicationObjectMapper() {
            return applicationObjectMapper;
        }

        public void setApplicationObjectMapper(boolean applicationObjectMapper) {
            this.applicationObjectMapper = applicationObjectMapper;
        }

        public int getMaxBytes() {
            return maxBytes;
        }

        public void setMaxBytes(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        public int getMaxDepth() {
            return maxDepth;
        }

        public void setMaxDepth(int maxDepth) {
            this.maxDepth = maxDepth;
        }
    }

    /** Connection to the Redis tier. Set one of url, sentinel.* or cluster.*. */
    public static class Redis {

        /**
         * One Redis: redis://[user:password@]host:port[/db], rediss://... for TLS (certificate and host name are
         * verified) or redis-sentinel://host:26379,host2:26379#master.
         */
        private String url;

        /** Redis Sentinel: the master name and the sentinels. */
        private final Sentinel sentinel = new Sentinel();

        /** Redis Cluster: some of its nodes. */
        private final Cluster cluster = new Cluster();

        /** ACL user name; overrides one in the URL. */
        private String username;

        /** Password; overrides one in the URL. */
        private String password;

        /** For rediss://: a PEM file of CA certificates to trust instead of the JVM's trust store. */
        private String trustedCertificates;

        /** Longest wait for a TCP connection. Default 1s (or spring.data.redis.connect-timeout). */
        private Duration connectTimeout;

        /** Longest wait for one command's reply; a slower reply is a miss. Default 500ms (or spring.data.redis.timeout). */
        private Duration commandTimeout;

        /** How long a lock across JVMs and a fill lease live if never released; longer than any load. Default 30s. */
        private Duration lockLease;

        /**
         * Cluster: how often the slot map is reloaded without errors; Sentinel: how often the sentinels are asked for
         * the primary besides their switch messages. Default 5s.
         */
        private Duration topologyRefresh;

        /** After a failover, how far back writes are made again as invalidations; 0s turns it off. Default 10s. */
        private Duration failoverReplay;

        /**
         * How long a Redis connection may answer nothing, while PINGs to it time out, before it is closed and reopened
         * (PINGed every third of it). At least 300ms. Default 3s.
         */
        private Duration linkCheck;

        /**
         * The largest entry stored in or read from Redis; larger ones stay in L1 only, and a larger one found in Redis
         * is a miss that is never transferred. Between 1KB and 512MB. Default 4MB.
         */
        private org.springframework.util.unit.DataSize maxValueSize;

        public Duration getLinkCheck() {
            return linkCheck;
        }

        public void setLinkCheck(Duration linkCheck) {
            this.linkCheck = linkCheck;
        }

        public org.springframework.util.unit.DataSize getMaxValueSize() {
            return maxValueSize;
        }

        public void setMaxValueSize(org.springframework.util.unit.DataSize maxValueSize) {
            this.maxValueSize = maxValueSize;
        }

        public Duration getTopologyRefresh() {
            return topologyRefresh;
        }

        public void setTopologyRefresh(Duration topologyRefresh) {
            this.topologyRefresh = topologyRefresh;
        }

        public Duration getFailoverReplay() {
            return failoverReplay;
        }

        public void setFailoverReplay(Duration failoverReplay) {
            this.failoverReplay = failoverReplay;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public Sentinel getSentinel() {
            return sentinel;
        }

        public Cluster getCluster() {
            return cluster;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getTrustedCertificates() {
            return trustedCertificates;
        }

        public void setTrustedCertificates(String trustedCertificates) {
            this.trustedCertificates = trustedCertificates;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        public Duration getLockLease() {
            return lockLease;
        }

        public void setLockLease(Duration lockLease) {
            this.lockLease = lockLease;
        }
    }

    /** Redis Sentinel settings. */
    public static class Sentinel {

        /** Name of the monitored master. */
        private String master;

        /** Sentinels as host:port (port defaults to 26379). */
        private List<String> nodes = new ArrayList<>();

        /** ACL user name on the sentinels themselves, when they require authentication. */
        private String username;

        /** Password of the sentinels themselves (not of the data nodes: that is lamina.cache.redis.password). */
        private String password;

        /**
         * TLS to the sentinels and the data nodes (rediss-sentinel://): certificates and host names are verified, against
         * lamina.cache.redis.trusted-certificates or the JVM's trust store.
         */
        private boolean ssl = false;

        public boolean isSsl() {
            return ssl;
        }

        public void setSsl(boolean ssl) {
            this.ssl = ssl;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getMaster() {
            return master;
        }

        public void setMaster(String master) {
            this.master = master;
        }

        public List<String> getNodes() {
            return nodes;
        }

        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }
    }

    /** Redis Cluster settings. */
    public static class Cluster {

        /** Some cluster nodes, as host:port or as redis:// / rediss:// URIs. */
        private List<String> nodes = new ArrayList<>();

        public List<String> getNodes() {
            return nodes;
        }

        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }
    }

    /** Size of the loader pool. */
    public static class LoaderPool {

        /** Threads of the loader pool, 1 to 256. */
        private int threads = 2;

        /** Tasks the loader pool queues at most; a refresh it has no room for is skipped and counted. */
        private int queue = 1_000;

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public int getQueue() {
            return queue;
        }

        public void setQueue(int queue) {
            this.queue = queue;
        }
    }

    /** Options of a cache; every option left unset is inherited. */
    public static class Options {

        /** How long a loaded value is fresh. Positive. Built-in default 10m. */
        private Duration ttl;

        /** How long a null result is cached. Positive. Built-in default half the ttl, at most 30s. */
        private Duration nullTtl;

        /** Whether null results are cached at all. Built-in default true. */
        private Boolean cacheNulls;

        /**
         * Upper bound of the random extension added to every written TTL, so keys written together do not expire
         * together; 0 turns it off. Built-in default 10% of each TTL.
         */
        private Duration jitter;

        /** Most entries kept in the in-process tier (L1). Positive. Built-in default 10000. */
        private Long maximumSize;

        /** Cap on how long an in-process (L1) copy lives. Positive. Built-in default the ttl. */
        private Duration l1Ttl;

        /**
         * Refresh point as a fraction of the TTL, in (0, 1): a read past it returns the value and reloads it in the
         * background (0.8 refreshes entries in their last fifth). Excludes refresh-after. Default off.
         */
        private Double refreshAhead;

        /** Refresh point as a duration after the write. Positive. Excludes refresh-ahead. Default off. */
        private Duration refreshAfter;

        /** How long past its expiry a value is kept to be served when the loader fails; 0 turns fail-safe off (default). */
        private Duration failSafe;

        /** After a failed load served a stale value, how long that value stands in before the loader is tried again. Built-in default 30s. */
        private Duration failSafeThrottle;

        /** After this long a caller gets the stale value while the load finishes in the background. Positive, shorter than hard-timeout. Default unset. */
        private Duration softTimeout;

        /** After this long a caller gets the stale value or a CacheLoadTimeoutException. Positive. Default unset. */
        private Duration hardTimeout;

        /** Longest wait for another node's load of the same key. Positive. Built-in default 3s. */
        private Duration lockWait;

        /** What to do when lock-wait runs out: LOAD (default), STALE or FAIL. */
        private LockTimeoutPolicy onLockTimeout;

        /** Whether decoded copies are kept in process (L1). Built-in default true. */
        private Boolean l1Enabled;

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public Duration getNullTtl() {
            return nullTtl;
        }

        public void setNullTtl(Duration nullTtl) {
            this.nullTtl = nullTtl;
        }

        public Boolean getCacheNulls() {
            return cacheNulls;
        }

        public void setCacheNulls(Boolean cacheNulls) {
            this.cacheNulls = cacheNulls;
        }

        public Duration getJitter() {
            return jitter;
        }

        public void setJitter(Duration jitter) {
            this.jitter = jitter;
        }

        public Long getMaximumSize() {
            return maximumSize;
        }

        public void setMaximumSize(Long maximumSize) {
            this.maximumSize = maximumSize;
        }

        public Duration getL1Ttl() {
            return l1Ttl;
        }

        public void setL1Ttl(Duration l1Ttl) {
            this.l1Ttl = l1Ttl;
        }

        public Double getRefreshAhead() {
            return refreshAhead;
        }

        public void setRefreshAhead(Double refreshAhead) {
            this.refreshAhead = refreshAhead;
        }

        public Duration getRefreshAfter() {
            return refreshAfter;
        }

        public void setRefreshAfter(Duration refreshAfter) {
            this.refreshAfter = refreshAfter;
        }

        public Duration getFailSafe() {
            return failSafe;
        }

        public void setFailSafe(Duration failSafe) {
            this.failSafe = failSafe;
        }

        public Duration getFailSafeThrottle() {
            return failSafeThrottle;
        }

        public void setFailSafeThrottle(Duration failSafeThrottle) {
            this.failSafeThrottle = failSafeThrottle;
        }

        public Duration getSoftTimeout() {
            return softTimeout;
        }

        public void setSoftTimeout(Duration softTimeout) {
            this.softTimeout = softTimeout;
        }

        public Duration getHardTimeout() {
            return hardTimeout;
        }

        public void setHardTimeout(Duration hardTimeout) {
            this.hardTimeout = hardTimeout;
        }

        public Duration getLockWait() {
            return lockWait;
        }

        public void setLockWait(Duration lockWait) {
            this.lockWait = lockWait;
        }

        public LockTimeoutPolicy getOnLockTimeout() {
            return onLockTimeout;
        }

        public void setOnLockTimeout(LockTimeoutPolicy onLockTimeout) {
            this.onLockTimeout = onLockTimeout;
        }

        public Boolean getL1Enabled() {
            return l1Enabled;
        }

        public void setL1Enabled(Boolean l1Enabled) {
            this.l1Enabled = l1Enabled;
        }
    }
}
