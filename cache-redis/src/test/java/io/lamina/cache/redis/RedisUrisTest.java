package io.lamina.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.redis.internal.RedisUris;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How RedisTier reads the URIs it is given: one form per topology, messages that show the right one, no passwords. */
class RedisUrisTest {

    @Test
    void uri_withSeveralHosts_isRefusedShowingTheClusterAndSentinelForms() {
        assertThatThrownBy(() -> RedisTier.builder().uri("redis://h1:7000,h2:7001,h3:7002"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names several hosts")
                .hasMessageContaining("cluster(List.of(")
                .hasMessageContaining("redis-sentinel://");
    }

    @Test
    void malformedUris_neverShowThePassword() {
        for (String uri : List.of("redis://alice:s3cret@h1:7000,h2:7001", "redis://s3cret@h1:7000,h2:7001",
                "redis-sentinel://alice:s3cret@h1:26379")) {
            assertThatThrownBy(() -> RedisTier.builder().uri(uri))
                    .as(uri).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"))
                    .satisfies(e -> assertThat(e.getCause()).isNull());
        }
    }

    @Test
    void sentinelUri_withoutAPrimaryName_isRefused() {
        assertThatThrownBy(() -> RedisTier.builder().uri("redis-sentinel://h1:26379,h2:26379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#primaryName");
    }

    @Test
    void clusterList_refusesSentinelUris() {
        assertThatThrownBy(() -> RedisTier.builder().cluster(List.of("redis://h1:7000", "redis-sentinel://h2:26379#m")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster node URIs");
    }

    @Test
    void credentials_areReadFromTheUriText() {
        assertThat(RedisUris.credentials("redis://alice:p%40ss@h:1")).isEqualTo(new RedisUris.Credentials("alice", "p@ss"));
        assertThat(RedisUris.credentials("redis://secret@h:1")).isEqualTo(new RedisUris.Credentials(null, "secret"));
        assertThat(RedisUris.credentials("redis://h:1/2")).isEqualTo(new RedisUris.Credentials(null, null));
        assertThat(RedisUris.credentials("redis-sentinel://pw@s1:26379,s2:26379#m")).isEqualTo(new RedisUris.Credentials(null, "pw"));
    }

    @Test
    void builderCredentials_overrideTheUris_andKeepSentinelsDatabaseAndTls() {
        var sentinel = RedisTier.builder().password("data-secret")
                .redisUri("redis-sentinel://h1:26379,h2:26380/2#shop");
        assertThat(sentinel.getSentinels()).hasSize(2);
        assertThat(sentinel.getDatabase()).isEqualTo(2);
        assertThat(sentinel.getSentinelMasterId()).isEqualTo("shop");
        assertThat(new String(sentinel.getCredentialsProvider().resolveCredentials().block().getPassword())).isEqualTo("data-secret");
        var tls = RedisTier.builder().username("lamina").redisUri("rediss://written:pw@h:6380/1");
        assertThat(tls.isSsl()).isTrue();
        assertThat(tls.isVerifyPeer()).isTrue();
        assertThat(tls.getDatabase()).isEqualTo(1);
        var credentials = tls.getCredentialsProvider().resolveCredentials().block();
        assertThat(credentials.getUsername()).isEqualTo("lamina");
        assertThat(new String(credentials.getPassword())).isEqualTo("pw");
    }

    @Test
    void mask_hidesPasswordsOnly() {
        assertThat(RedisUris.mask("redis://alice:s3cret@h:1")).isEqualTo("redis://alice:***@h:1");
        assertThat(RedisUris.mask("redis://s3cret@h:1")).isEqualTo("redis://***@h:1");
        assertThat(RedisUris.mask("redis://h:1")).isEqualTo("redis://h:1");
    }
}
