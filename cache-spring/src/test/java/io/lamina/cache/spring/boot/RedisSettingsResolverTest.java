package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Where the Redis connection comes from; no connection is made. */
@Timeout(10)
class RedisSettingsResolverTest {

    @Test
    void nothingSet_resolvesToNone() {
        assertThat(RedisSettingsResolver.resolve(new LaminaCacheProperties.Redis(), binder(Map.of()))).isEmpty();
        assertThat(RedisSettingsResolver.isConfigured(binder(Map.of()))).isFalse();
    }

    @Test
    void springSslBundle_turnsTlsOn_asInBoot() {
        LaminaRedisSettings s = RedisSettingsResolver.resolve(new LaminaCacheProperties.Redis(), binder(Map.of(
                "spring.data.redis.host", "cache.internal", "spring.data.redis.ssl.bundle", "redis"))).orElseThrow();
        assertThat(s.uris()).containsExactly("rediss://cache.internal:6379");
    }

    @Test
    void laminasOwn_winOverSpringDataRedis() {
        LaminaCacheProperties.Redis lamina = new LaminaCacheProperties.Redis();
        lamina.setUrl("redis://lamina:6379");
        LaminaRedisSettings s = RedisSettingsResolver.resolve(lamina,
                binder(Map.of("spring.data.redis.host", "boot", "spring.data.redis.password", "boot-secret"))).orElseThrow();
        assertThat(s.source()).isEqualTo("lamina.cache.redis.url");
        assertThat(s.uris()).containsExactly("redis://lamina:6379");
        assertThat(s.password()).as("spring's password belongs to spring's Redis").isNull();
    }

    @Test
    void springSentinel_becomesASentinelUri() {
        LaminaRedisSettings s = RedisSettingsResolver.resolve(new LaminaCacheProperties.Redis(), binder(Map.of(
                "spring.data.redis.sentinel.master", "mymaster",
                "spring.data.redis.sentinel.nodes", "s1:26379,s2",
                "spring.data.redis.database", "3",
                "spring.data.redis.connect-timeout", "2s"))).orElseThrow();
        assertThat(s.uris()).containsExactly("redis-sentinel://s1:26379,s2:26379/3#mymaster");
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void sentinelWithSsl_becomesARedissSentinelUri_fromLaminasProperties_orSprings() {
        LaminaCacheProperties.Redis lamina = new LaminaCacheProperties.Redis();
        lamina.getSentinel().setMaster("shop");
        lamina.getSentinel().setNodes(List.of("s1:26379", "s2"));
        lamina.getSentinel().setSsl(true);
        lamina.setTrustedCertificates("/etc/lamina/ca.pem");
        LaminaRedisSettings own = RedisSettingsResolver.resolve(lamina, binder(Map.of())).orElseThrow();
        assertThat(own.uris()).containsExactly("rediss-sentinel://s1:26379,s2:26379#shop");
        assertThat(own.trustedCertificates()).isEqualTo("/etc/lamina/ca.pem");

        LaminaRedisSettings spring = RedisSettingsResolver.resolve(new LaminaCacheProperties.Redis(), binder(Map.of(
                "spring.data.redis.sentinel.master", "mymaster",
                "spring.data.redis.sentinel.nodes", "s1:26379",
                "spring.data.redis.ssl.enabled", "true"))).orElseThrow();
        assertThat(spring.uris()).containsExactly("rediss-sentinel://s1:26379#mymaster");
    }

    @Test
    void sentinelCredentials_andTopologyOptions_fromLaminasProperties_orSpringsSentinelProperties() {
        LaminaCacheProperties.Redis lamina = new LaminaCacheProperties.Redis();
        lamina.getSentinel().setMaster("shop");
        lamina.getSentinel().setNodes(List.of("s1:26379"));
        lamina.getSentinel().setUsername("watcher");
        lamina.getSentinel().setPassword("sentinel-secret");
        lamina.setPassword("data-secret");
        lamina.setTopologyRefresh(Duration.ofSeconds(7));
        lamina.setFailoverReplay(Duration.ZERO);
        LaminaRedisSettings own = RedisSettingsResolver.resolve(lamina, binder(Map.of())).orElseThrow();
        assertThat(own.sentinelUsername()).isEqualTo("watcher");
        assertThat(own.sentinelPassword()).isEqualTo("sentinel-secret");
        assertThat(own.password()).isEqualTo("data-secret");
        assertThat(own.topologyRefresh()).isEqualTo(Duration.ofSeconds(7));
        assertThat(own.failoverReplay()).isZero();
        assertThat(own.toString()).doesNotContain("secret");

        LaminaRedisSettings spring = RedisSettingsResolver.resolve(new LaminaCacheProperties.Redis(), binder(Map.of(
                "spring.data.redis.sentinel.master", "mymaster",
                "spring.data.redis.sentinel.nodes", "s1:26379",
                "spring.data.redis.sentinel.password", "boot-sentinel-secret",
                "spring.data.redis.password", "boot-data-secret"))).orElseThrow();
        assertThat(spring.sentinelPassword()).isEqualTo("boot-sentinel-secret");
        assertThat(spring.password()).isEqualTo("boot-data-secret");

        LaminaCacheProperties.Redis negative = new LaminaCacheProperties.Redis();
        negative.setUrl("redis://a:6379");
        negative.setFailoverReplay(Duration.ofSeconds(-1));
        assertThatThrownBy(() -> RedisSettingsResolver.resolve(negative, binder(Map.of())))
                .hasMessageContaining("lamina.cache.redis.failover-replay");
    }

    @Test
    void linkCheckAndMaxValueSize_areTakenChecked_andRefusedOutOfRange() {
        LaminaCacheProperties.Redis lamina = new LaminaCacheProperties.Redis();
        lamina.setUrl("redis://a:6379");
        lamina.setLinkCheck(Duration.ofSeconds(5));
        lamina.setMaxValueSize(org.springframework.util.unit.DataSize.ofMegabytes(8));
        LaminaRedisSettings s = RedisSettingsResolver.resolve(lamina, binder(Map.of())).orElseThrow();
        assertThat(s.linkCheck()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.maxValueSize()).isEqualTo(8 * 1024 * 1024);

        LaminaRedisSettings defaults = RedisSettingsResolver.resolve(url("redis://a:6379"), binder(Map.of())).orElseThrow();
        assertThat(defaults.linkCheck()).isNull();
        assertThat(defaults.maxValueSize()).isNull();

        LaminaCacheProperties.Redis fast = url("redis://a:6379");
        fast.setLinkCheck(Duration.ofMillis(100));
        assertThatThrownBy(() -> RedisSettingsResolver.resolve(fast, binder(Map.of())))
                .hasMessageContaining("lamina.cache.redis.link-check").hasMessageContaining("300ms");
        LaminaCacheProperties.Redis tiny = url("redis://a:6379");
        tiny.setMaxValueSize(org.springframework.util.unit.DataSize.ofBytes(10));
        assertThatThrownBy(() -> RedisSettingsResolver.resolve(tiny, binder(Map.of())))
                .hasMessageContaining("lamina.cache.redis.max-value-size");
    }

    private static LaminaCacheProperties.Redis url(String url) {
        LaminaCacheProperties.Redis r = new LaminaCacheProperties.Redis();
        r.setUrl(url);
        return r;
    }

    @Test
    void springCluster_withSsl_becomesRedissNodes() {
        LaminaRedisSettings s = RedisSettingsResolver.resolve(new LaminaCacheProperties.Redis(), binder(Map.of(
                "spring.data.redis.cluster.nodes", "n1:7000,n2:7001",
                "spring.data.redis.ssl.enabled", "true"))).orElseThrow();
        assertThat(s.cluster()).isTrue();
        assertThat(s.uris()).containsExactly("rediss://n1:7000", "rediss://n2:7001");
    }

    @Test
    void laminaUrlAndCluster_bothSet_failsNamingBoth() {
        LaminaCacheProperties.Redis lamina = new LaminaCacheProperties.Redis();
        lamina.setUrl("redis://a:6379");
        lamina.getCluster().setNodes(List.of("b:7000"));
        assertThatThrownBy(() -> RedisSettingsResolver.resolve(lamina, binder(Map.of())))
                .hasMessageContaining("lamina.cache.redis.url").hasMessageContaining("lamina.cache.redis.cluster.nodes");
    }

    @Test
    void negativeCommandTimeout_failsNamingTheProperty() {
        LaminaCacheProperties.Redis lamina = new LaminaCacheProperties.Redis();
        lamina.setUrl("redis://a:6379");
        lamina.setCommandTimeout(Duration.ofMillis(-5));
        assertThatThrownBy(() -> RedisSettingsResolver.resolve(lamina, binder(Map.of())))
                .hasMessage("lamina.cache.redis.command-timeout must be positive, got PT-0.005S");
    }

    private static Binder binder(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties));
    }
}
