package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order of sources, decided without starting anything. */
@Timeout(5)
class RedisLocatorTest {

    private static final Optional<Path> ON_PATH = Optional.of(Path.of("/usr/bin/redis-server"));

    private final AtomicInteger dockerAsked = new AtomicInteger();

    private RedisLocator.Environment env(String url, RedisSource forced, Optional<Path> onPath,
                                         boolean docker, boolean embedded) {
        BooleanSupplier dockerProbe = () -> {
            dockerAsked.incrementAndGet();
            return docker;
        };
        return new RedisLocator.Environment(url, Optional.ofNullable(forced), () -> onPath, dockerProbe, () -> embedded);
    }

    @Test
    void shared_prefersRedisUrl_overEverythingElse() {
        assertThat(RedisLocator.forShared(env("redis://10.0.0.1:6379", null, ON_PATH, true, true)))
                .isEqualTo(RedisSource.URL);
        assertThat(dockerAsked).hasValue(0);
    }

    @Test
    void shared_thenPath_withoutAskingDocker() {
        assertThat(RedisLocator.forShared(env(null, null, ON_PATH, true, true))).isEqualTo(RedisSource.PATH);
        assertThat(dockerAsked).hasValue(0);
    }

    @Test
    void shared_thenTestcontainers_whenDockerAnswers() {
        assertThat(RedisLocator.forShared(env(null, null, Optional.empty(), true, true)))
                .isEqualTo(RedisSource.TESTCONTAINERS);
    }

    @Test
    void shared_finallyEmbedded() {
        assertThat(RedisLocator.forShared(env(null, null, Optional.empty(), false, true)))
                .isEqualTo(RedisSource.EMBEDDED);
    }

    @Test
    void shared_forcedSource_winsOverTheOrder() {
        assertThat(RedisLocator.forShared(env("redis://h:1", RedisSource.EMBEDDED, ON_PATH, true, true)))
                .isEqualTo(RedisSource.EMBEDDED);
        assertThat(RedisLocator.forShared(env(null, RedisSource.TESTCONTAINERS, ON_PATH, false, true)))
                .isEqualTo(RedisSource.TESTCONTAINERS);
    }

    @Test
    void owned_ignoresRedisUrl_prefersPath_thenEmbedded_thenDocker() {
        assertThat(RedisLocator.forOwned(env("redis://h:1", null, ON_PATH, true, true))).isEqualTo(RedisSource.PATH);
        assertThat(RedisLocator.forOwned(env("redis://h:1", null, Optional.empty(), true, true)))
                .isEqualTo(RedisSource.EMBEDDED);
        assertThat(dockerAsked).hasValue(0);
        assertThat(RedisLocator.forOwned(env(null, null, Optional.empty(), true, false)))
                .isEqualTo(RedisSource.TESTCONTAINERS);
    }

    @Test
    void owned_forcedUrl_isAnError() {
        assertThatThrownBy(() -> RedisLocator.forOwned(env("redis://h:1", RedisSource.URL, ON_PATH, false, true)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LAMINA_REDIS_SOURCE=url");
    }

    @Test
    void parseForced_acceptsNamesInAnyCase_andAutoOrBlankMeansNotForced() {
        assertThat(RedisSource.parseForced("Embedded")).contains(RedisSource.EMBEDDED);
        assertThat(RedisSource.parseForced(" path ")).contains(RedisSource.PATH);
        assertThat(RedisSource.parseForced("testcontainers")).contains(RedisSource.TESTCONTAINERS);
        assertThat(RedisSource.parseForced("auto")).isEmpty();
        assertThat(RedisSource.parseForced("")).isEmpty();
        assertThat(RedisSource.parseForced(null)).isEmpty();
        assertThatThrownBy(() -> RedisSource.parseForced("docker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lamina.redis.source").hasMessageContaining("'docker'");
    }

    @Test
    void redisUrl_isUsedAsIs_hostPortAndCredentialsParsed() {
        RedisServer server = UnownedRedisServer.fromUrl("redis://:secret@example.test:6390/2");
        assertThat(server.uri()).isEqualTo("redis://:secret@example.test:6390/2");
        assertThat(server.host()).isEqualTo("example.test");
        assertThat(server.port()).isEqualTo(6390);
        assertThat(server.isOwned()).isFalse();
        assertThat(UnownedRedisServer.fromUrl("redis://127.0.0.1").port()).isEqualTo(6379);
        assertThatThrownBy(() -> UnownedRedisServer.fromUrl("localhost:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REDIS_URL");
    }
}
