package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The last fallback, forced: the redis-server shipped inside embedded-redis runs here. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmbeddedRedisTest {

    @Test
    void embedded_startsAnswersAndSurvivesACrash() throws Exception {
        try (OwnedRedisServer redis = RedisServers.startOwned(RedisSource.EMBEDDED)) {
            assertThat(redis.source()).isEqualTo(RedisSource.EMBEDDED);
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.isRunning()).isTrue();
            String info = Resp.call(redis.host(), redis.port(), Duration.ofSeconds(2), "INFO", "server");
            assertThat(info).contains("redis_version:6.2.");

            redis.restart();

            assertThat(redis.isRunning()).isTrue();
        }
    }

    @Test
    void embedded_runsWithNoPersistence() throws Exception {
        try (OwnedRedisServer redis = RedisServers.startOwned(RedisSource.EMBEDDED)) {
            Duration timeout = Duration.ofSeconds(2);
            assertThat(Resp.call(redis.host(), redis.port(), timeout, "CONFIG", "GET", "save")).isEqualTo("save\n");
            assertThat(Resp.call(redis.host(), redis.port(), timeout, "CONFIG", "GET", "appendonly"))
                    .isEqualTo("appendonly\nno");
            assertThat(Resp.call(redis.host(), redis.port(), timeout, "CONFIG", "GET", "bind"))
                    .isEqualTo("bind\n127.0.0.1");
        }
    }
}
