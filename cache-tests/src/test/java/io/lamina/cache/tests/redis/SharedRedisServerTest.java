package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RedisTest
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedRedisServerTest {

    @Test
    void shared_answersPing(RedisServer redis) throws Exception {
        assertThat(redis.isRunning()).isTrue();
        assertThat(Resp.call(redis.host(), redis.port(), Duration.ofSeconds(2), "PING")).isEqualTo("PONG");
    }

    @Test
    void shared_isOneServerPerJvm(RedisServer injected) {
        assertThat(RedisServers.shared()).isSameAs(injected).isSameAs(RedisServers.shared());
    }

    @Test
    void shared_startedByUs_listensOnAFreshLoopbackPort(RedisServer redis) {
        assumeTrue(redis.source() != RedisSource.URL, "REDIS_URL is set: that server is used as is");
        assertThat(redis.uri()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
        assertThat(redis.port()).as("never the machine's own Redis").isNotEqualTo(6379);
        if (redis.source() != RedisSource.TESTCONTAINERS) {
            assertThat(redis.host()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void shared_cannotBeStoppedOrRestartedByATest(RedisServer redis) {
        assertThat(redis.isOwned()).isFalse();
        assertThatThrownBy(redis::stop).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("startOwned");
        assertThatThrownBy(redis::stopGracefully).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(redis::start).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(redis::restart).isInstanceOf(UnsupportedOperationException.class);
        assertThat(redis.isRunning()).isTrue();
    }

    @Test
    void shared_comesFromTheForcedSource_whenOneIsForced(RedisServer redis) {
        Optional<RedisSource> forced = RedisSettings.fromEnvironment().forced();
        assumeTrue(forced.isPresent(), "no source forced");
        assertThat(redis.source()).isEqualTo(forced.get());
    }
}
