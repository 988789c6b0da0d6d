package io.lamina.cache.tests.redis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class that talks to a real Redis; registers {@link RedisExtension}, which
 * resolves parameters (of constructors, lifecycle and test methods) of these types:
 * <ul>
 *   <li>{@link RedisServer}: the JVM-wide {@linkplain RedisServers#shared() shared} server, or the
 *       class's own server when {@link #owned()} is {@code true};</li>
 *   <li>{@link OwnedRedisServer}: a server of the test class's own, started on first use, the same
 *       for every method of the class, stopped after the class;</li>
 *   <li>{@link OwnedRedisCluster}: a 6-node cluster of the test class's own, started on first use,
 *       stopped after the class;</li>
 *   <li>{@link OwnedRedisSentinel}: a Sentinel group (primary, replica, 3 sentinels) of the test
 *       class's own, started on first use, stopped after the class;</li>
 *   <li>{@code @}{@link RedisNamespace} {@code String}: a namespace unique to the test class.</li>
 * </ul>
 *
 * <pre>{@code
 * @RedisTest
 * class ProductCacheIT {
 *     @Test
 *     void remember_coldKey_loadsOnce(RedisServer redis, @RedisNamespace String namespace) { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisExtension.class)
public @interface RedisTest {

    /**
     * @return {@code true} to resolve {@link RedisServer} parameters to the class's own server (as
     *         {@link OwnedRedisServer} parameters are), e.g. for a class of fault tests
     */
    boolean owned() default false;

    /**
     * @return {@code true} to run the class's {@link OwnedRedisCluster} and {@link OwnedRedisSentinel} with TLS only
     *         ({@link RedisTls#shared()}: {@code rediss://} seeds, {@code rediss-sentinel://}); the class is skipped
     *         where openssl or a redis-server with TLS is missing ({@link RedisTls#available()})
     */
    boolean tls() default false;
}
