package io.lamina.cache.tests.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redisson is an optional dependency of cache-redis: an application that does not add it gets the Redis tier without
 * it. Run in a class loader holding this module's class path minus Redisson's jar, two nodes keep every promise that
 * does not need a lock: one load for a key another node is loading (the waiting node polls Redis for the value), an
 * invalidation seen by the other node, a batch read back from Redis; and no Redisson class is ever asked for beyond the
 * one probe that finds it absent.
 */
@RedisTest
@Timeout(60)
class WithoutRedissonIT {

    @Test
    void withoutRedisson_twoNodesLoadOncePerKey_invalidateAndBatch(RedisServer redis, @RedisNamespace String namespace) throws Exception {
        Set<String> asked = ConcurrentHashMap.newKeySet();
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath()) {
            if (!Path.of(entry).getFileName().toString().startsWith("redisson")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("org.redisson")) {
                    asked.add(name);
                }
                return super.loadClass(name, resolve);
            }
        }) {
            Class<?> scenario = Class.forName(NoRedissonScenario.class.getName(), true, loader);
            assertThat(scenario.getClassLoader()).as("the scenario runs in the loader without Redisson").isSameAs(loader);
            // as in an application: the context class loader (which Netty and Lettuce use, and their threads inherit) is
            // the one Lamina is loaded by
            ClassLoader before = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
            Map<String, String> seen;
            try {
                @SuppressWarnings("unchecked")
                Map<String, String> result = (Map<String, String>) scenario.getMethod("run", String.class, String.class)
                        .invoke(null, redis.uri(), namespace);
                seen = result;
            } finally {
                Thread.currentThread().setContextClassLoader(before);
            }

            assertThat(seen).containsEntry("a", "loaded by a").containsEntry("b", "loaded by a").containsEntry("loads", "1")
                    .containsEntry("afterInvalidate", "reloaded")
                    .containsEntry("page", "{10=row10, 11=row11, 12=row12}").containsEntry("pageFromRedis", "{10=row10, 11=row11, 12=row12}")
                    .containsEntry("l2Errors", "0");
            assertThat(Long.parseLong(seen.get("bLockWaits"))).as("the waiting node's wait is counted").isEqualTo(1);
            assertThat(seen.get("lockBreakers")).contains("lock@data=CLOSED");
        }
        assertThat(asked).as("Redisson classes asked for: only the probe").containsExactly("org.redisson.api.RedissonClient");
    }

    /** This test JVM's class path, read through Surefire's manifest-only jar when it uses one. */
    private static List<String> classPath() throws IOException {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("surefirebooter") && entry.endsWith(".jar")) {
                try (JarFile jar = new JarFile(entry)) {
                    String manifestPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (String url : manifestPath.trim().split("\\s+")) {
                        out.add(Path.of(java.net.URI.create(url)).toString());
                    }
                }
            } else {
                out.add(entry);
            }
        }
        return out;
    }
}
