package io.lamina.cache.tests.redis;

import java.time.Duration;
import java.util.Optional;

/**
 * The knobs of Redis provisioning, read once from system properties first, then environment variables.
 *
 * @param redisUrl      the URL of a server to use as is, or {@code null}
 * @param forced        the source every server must come from, or empty for the usual order
 * @param image         the Docker image for {@link RedisSource#TESTCONTAINERS}
 * @param startTimeout  how long a started server may take to answer PING
 * @param dockerTimeout how long the Docker engine probe may take before Docker counts as absent
 */
record RedisSettings(String redisUrl, Optional<RedisSource> forced, String image,
                     Duration startTimeout, Duration dockerTimeout) {

    static final String URL_ENV = "REDIS_URL";
    static final String URL_PROPERTY = "lamina.redis.url";
    static final String SOURCE_ENV = "LAMINA_REDIS_SOURCE";
    static final String SOURCE_PROPERTY = "lamina.redis.source";
    static final String IMAGE_PROPERTY = "lamina.redis.image";
    static final String DEFAULT_IMAGE = "redis:7.2-alpine";

    static RedisSettings fromEnvironment() {
        return new RedisSettings(
                read(URL_PROPERTY, URL_ENV),
                RedisSource.parseForced(read(SOURCE_PROPERTY, SOURCE_ENV)),
                Optional.ofNullable(read(IMAGE_PROPERTY, null)).orElse(DEFAULT_IMAGE),
                Duration.ofSeconds(15),
                Duration.ofSeconds(5));
    }

    private static String read(String property, String env) {
        String value = System.getProperty(property);
        if ((value == null || value.isBlank()) && env != null) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }
}
