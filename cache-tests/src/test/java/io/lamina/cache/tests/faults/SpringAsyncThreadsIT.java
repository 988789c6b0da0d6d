package io.lamina.cache.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.boot.LaminaCacheAutoConfiguration;
import io.lamina.cache.tests.redis.FaultProxy;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;

/**
 * {@code @Cached} methods returning a {@code CompletableFuture} or a {@code Mono} (both through
 * {@code rememberAsync}): the method body and what the caller chains on its result run on the application's
 * {@code laminaCacheExecutor}, never on a Redis client's I/O thread. Redis replies are delayed by a proxy so that
 * they arrive after the continuations are registered.
 */
@RedisTest
@Timeout(60)
class SpringAsyncThreadsIT {

    public static class Service {
        final AtomicReference<String> bodyThread = new AtomicReference<>();
        final AtomicInteger calls = new AtomicInteger();

        // the bean is a class proxy: tests read through methods, which reach the target
        public String bodyThread() {
            return bodyThread.get();
        }

        public int calls() {
            return calls.get();
        }

        @Cached(cache = "futures", key = "#id")
        public CompletableFuture<String> findAsync(long id) {
            calls.incrementAndGet();
            bodyThread.set(Thread.currentThread().getName());
            return CompletableFuture.supplyAsync(() -> "f" + id);
        }

        @Cached(cache = "monos", key = "#id")
        public Mono<String> find(long id) {
            return Mono.fromCallable(() -> {
                calls.incrementAndGet();
                bodyThread.set(Thread.currentThread().getName());
                return "m" + id;
            });
        }
    }

    /** Not a @Configuration, so that component scans of other tests skip it. */
    @EnableAutoConfiguration
    static class Node {
        @Bean
        Service service() {
            return new Service();
        }

        @Bean(name = LaminaCacheAutoConfiguration.EXECUTOR_BEAN, destroyMethod = "shutdownNow")
        ExecutorService laminaCacheExecutor() {
            AtomicInteger n = new AtomicInteger();
            return Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "app-callbacks-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    private FaultProxy proxy;
    private ConfigurableApplicationContext context;
    private Service service;

    @BeforeEach
    void start(RedisServer redis, @RedisNamespace String namespace) {
        proxy = FaultProxy.start(redis.host(), redis.port());
        proxy.mode(FaultProxy.Direction.SERVER_TO_CLIENT, FaultProxy.Mode.latency(Duration.ofMillis(10)));
        context = new SpringApplicationBuilder(Node.class).web(WebApplicationType.NONE)
                .properties("lamina.cache.namespace=" + namespace + "-" + System.nanoTime(), "lamina.cache.redis.url=" + proxy.uri(),
                        "spring.main.banner-mode=off")
                .run();
        service = context.getBean(Service.class);
        // the tier starts in the background and the node starts in a gap: the end of the gap flushes L1 once, which
        // must not fall between the two calls of a test that counts on an L1 hit
        io.lamina.cache.CacheTemplate template = context.getBean(io.lamina.cache.CacheTemplate.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> template.nodeStats().busHealthy());
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.close();
        }
        proxy.close();
    }

    @Test
    void completableFutureMethod_bodyAndCallersCallbacks_runOnTheLaminaCacheExecutor() throws Exception {
        CompletableFuture<String> f = service.findAsync(1);
        assertThat(f).as("the reply is still on its way when the callback is registered").isNotDone();
        AtomicReference<String> callback = new AtomicReference<>();
        assertThat(f.thenApply(v -> {
            callback.set(Thread.currentThread().getName());
            return v;
        }).get(10, TimeUnit.SECONDS)).isEqualTo("f1");
        assertThat(service.bodyThread()).as("the method body ran on").startsWith("app-callbacks-");
        assertThat(callback.get()).as("a thenApply on the returned future ran on").startsWith("app-callbacks-");
        assertThat(service.calls()).isEqualTo(1);
        assertThat(service.findAsync(1)).as("an L1 hit: complete at once, on the calling thread").isCompletedWithValue("f1");
        assertThat(service.calls()).isEqualTo(1);
    }

    @Test
    void monoMethod_bodyAndOperatorsAfterIt_runOnTheLaminaCacheExecutor() {
        AtomicReference<String> mapped = new AtomicReference<>();
        assertThat(service.find(2).map(v -> {
            mapped.set(Thread.currentThread().getName());
            return v;
        }).block(Duration.ofSeconds(10))).isEqualTo("m2");
        assertThat(service.bodyThread()).as("the publisher was subscribed on").startsWith("app-callbacks-");
        assertThat(mapped.get()).as("a map after the cached Mono ran on").startsWith("app-callbacks-");
        assertThat(service.calls()).isEqualTo(1);
    }
}
