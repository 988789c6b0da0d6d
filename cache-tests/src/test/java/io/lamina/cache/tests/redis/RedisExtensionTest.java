package io.lamina.cache.tests.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs small fixture classes through the Jupiter engine, as Maven would, and checks what the extension
 * handed them. (Fixtures are static nested classes, which the build's own test run skips.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisExtensionTest {

    static final Map<String, Set<String>> NAMESPACES = new ConcurrentHashMap<>();
    static final List<RedisServer> SERVERS = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        NAMESPACES.clear();
        SERVERS.clear();
    }

    @Test
    void eachTestClass_getsItsOwnNamespace_sameForAllItsMethods() {
        run(FirstClass.class, SecondClass.class);

        assertThat(NAMESPACES.get("FirstClass")).hasSize(1);
        assertThat(NAMESPACES.get("SecondClass")).hasSize(1);
        String first = NAMESPACES.get("FirstClass").iterator().next();
        String second = NAMESPACES.get("SecondClass").iterator().next();
        assertThat(first).isNotEqualTo(second).matches("t-FirstClass-[0-9a-f]{8}");
        assertThat(second).matches("t-SecondClass-[0-9a-f]{8}");
    }

    @Test
    void sameClassRunTwice_getsAFreshNamespace() {
        run(FirstClass.class);
        run(FirstClass.class);

        assertThat(NAMESPACES.get("FirstClass")).hasSize(2);
    }

    @Test
    void ownedServer_isOnePerClass_andStoppedAfterTheClass() {
        run(OwnedServerClass.class);

        assertThat(SERVERS).hasSize(2);
        OwnedRedisServer server = (OwnedRedisServer) SERVERS.get(0);
        assertThat(SERVERS).allMatch(s -> s == server);
        assertThat(server.isOwned()).isTrue();
        assertThat(server.isRunning()).as("stopped after the class").isFalse();
        assertThat(Reaper.open()).doesNotContain(server);
    }

    @Test
    void redisTestOwned_resolvesRedisServerToTheClassesOwnServer() {
        run(OwnedFlagClass.class);

        assertThat(SERVERS).hasSize(1);
        assertThat(SERVERS.get(0).isOwned()).isTrue();
        assertThat(SERVERS.get(0).isRunning()).isFalse();
    }

    @Test
    void plainRedisServerParameter_isTheSharedServer() {
        run(FirstClass.class);

        assertThat(SERVERS).isNotEmpty().allMatch(s -> s == RedisServers.shared());
    }

    private static void run(Class<?>... classes) {
        var builder = EngineTestKit.engine("junit-jupiter");
        for (Class<?> c : classes) {
            builder.selectors(selectClass(c));
        }
        builder.execute().testEvents().assertStatistics(stats -> stats.failed(0).aborted(0));
    }

    private static void record(Class<?> testClass, String namespace) {
        NAMESPACES.computeIfAbsent(testClass.getSimpleName(), k -> ConcurrentHashMap.newKeySet()).add(namespace);
    }

    @RedisTest
    static class FirstClass {
        @Test
        void one(@RedisNamespace String namespace, RedisServer redis) {
            record(FirstClass.class, namespace);
            SERVERS.add(redis);
            assertThat(redis.isRunning()).isTrue();
        }

        @Test
        void two(@RedisNamespace String namespace) {
            record(FirstClass.class, namespace);
        }
    }

    @RedisTest
    static class SecondClass {
        @Test
        void one(@RedisNamespace String namespace) {
            record(SecondClass.class, namespace);
        }
    }

    @RedisTest
    static class OwnedServerClass {
        @Test
        void one(OwnedRedisServer redis) {
            SERVERS.add(redis);
            redis.restart();
            assertThat(redis.isRunning()).isTrue();
        }

        @Test
        void two(OwnedRedisServer redis) {
            SERVERS.add(redis);
            assertThat(redis.isRunning()).isTrue();
        }
    }

    @RedisTest(owned = true)
    static class OwnedFlagClass {
        @Test
        void one(RedisServer redis) {
            SERVERS.add(redis);
            assertThat(redis.isOwned()).isTrue();
        }
    }
}
