package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OwnedRedisServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void startOwned_isOurOwnServer_neverTheUrlOne() {
        try (OwnedRedisServer redis = RedisServers.startOwned()) {
            assertThat(redis.isOwned()).isTrue();
            assertThat(redis.source()).isNotEqualTo(RedisSource.URL);
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.port()).isNotEqualTo(RedisServers.shared().port());
        }
    }

    @Test
    void stop_killsTheServer_andStartBringsItBackOnTheSamePort_empty() throws Exception {
        try (OwnedRedisServer redis = RedisServers.startOwned()) {
            int port = redis.port();
            assertThat(Resp.call(redis.host(), port, TIMEOUT, "SET", "k", "v")).isEqualTo("OK");

            redis.stop();

            assertThat(redis.isRunning()).isFalse();
            assertThat(Resp.ping(redis.host(), port, TIMEOUT)).isFalse();

            redis.start();

            assertThat(redis.port()).isEqualTo(port);
            assertThat(Resp.ping(redis.host(), port, TIMEOUT)).isTrue();
            assertThat(Resp.call(redis.host(), port, TIMEOUT, "GET", "k")).as("no persistence").isNull();
        }
    }

    @Test
    void restart_crashesAndComesBack_onTheSamePort() {
        try (OwnedRedisServer redis = RedisServers.startOwned()) {
            int port = redis.port();
            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.isRunning()).isTrue();
        }
    }

    @Test
    void stopGracefully_stopsTheServer_andItCanStartAgain() {
        try (OwnedRedisServer redis = RedisServers.startOwned()) {
            redis.stopGracefully();
            assertThat(redis.isRunning()).isFalse();
            redis.stopGracefully();
            redis.stop();
            redis.start();
            redis.start();
            assertThat(redis.isRunning()).isTrue();
        }
    }

    @Test
    void close_stopsForGood() {
        OwnedRedisServer redis = RedisServers.startOwned();
        redis.close();
        redis.close();
        assertThat(redis.isRunning()).isFalse();
        assertThat(Reaper.open()).doesNotContain(redis);
        assertThatThrownBy(redis::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void startOwned_fromUrl_isRefused() {
        assertThatThrownBy(() -> RedisServers.startOwned(RedisSource.URL))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
