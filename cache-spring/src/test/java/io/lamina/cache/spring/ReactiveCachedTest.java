package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import io.lamina.cache.TypeRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code @Cached} on {@code Mono}, {@code Flux} and {@code CompletableFuture} methods, L1 only. */
@Timeout(30)
class ReactiveCachedTest {

    private AnnotationConfigApplicationContext context;
    private ReactiveProducts service;
    private Counters counters;
    private CacheTemplate template;

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext(Config.class);
        service = context.getBean(ReactiveProducts.class);
        counters = context.getBean(Counters.class);
        template = context.getBean(CacheTemplate.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void mono_valueIsCached_andTheMethodRunsOnlyOnAMiss() {
        assertThat(service.find(1).block(Duration.ofSeconds(5))).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.find(1).block(Duration.ofSeconds(5))).isEqualTo(new Product(1, "p1", 7));
        assertThat(counters.calls.get()).as("method calls").isEqualTo(1);
        assertThat(counters.subscriptions.get()).as("subscriptions to the method's Mono").isEqualTo(1);
        assertThat(template.getIfPresent("reactive", 1L, Product.class)).isEqualTo(new CachedValue<>(new Product(1, "p1", 7)));
    }

    @Test
    void mono_isLazy_nothingRunsUntilSubscribed() {
        Mono<Product> mono = service.find(2);
        assertThat(counters.calls.get()).isZero();
        assertThat(mono.block(Duration.ofSeconds(5))).isEqualTo(new Product(2, "p2", 7));
        assertThat(mono.block(Duration.ofSeconds(5))).isEqualTo(new Product(2, "p2", 7));
        assertThat(counters.calls.get()).isEqualTo(1);
    }

    @Test
    void mono_empty_isCachedAsNull() {
        assertThat(service.find(404).blockOptional(Duration.ofSeconds(5))).isEmpty();
        assertThat(service.find(404).blockOptional(Duration.ofSeconds(5))).isEmpty();
        assertThat(counters.subscriptions.get()).isEqualTo(1);
        assertThat(template.getIfPresent("reactive", 404L, Product.class)).isEqualTo(new CachedValue<>(null));
    }

    @Test
    void mono_error_reachesTheSubscriber_andNothingIsCached() {
        assertThatThrownBy(() -> service.find(-1).block(Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative id");
        assertThatThrownBy(() -> service.find(-1).block(Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(counters.subscriptions.get()).isEqualTo(2);
        assertThat(template.getIfPresent("reactive", -1L, Product.class)).isNull();
    }

    @Test
    void mono_tagsFromTheResult_areInvalidatedByInvalidateTags() {
        service.find(1).block(Duration.ofSeconds(5));
        service.find(3).block(Duration.ofSeconds(5)); // category 8
        service.categoryChanged(7).block(Duration.ofSeconds(5));
        service.find(1).block(Duration.ofSeconds(5));
        service.find(3).block(Duration.ofSeconds(5));
        assertThat(counters.subscriptions.get()).isEqualTo(3);
    }

    @Test
    void invalidateTags_onAMonoMethod_runsWhenTheMonoCompletes_notWhenItIsAssembled() {
        service.find(1).block(Duration.ofSeconds(5));
        Mono<Void> update = service.categoryChanged(7);
        service.find(1).block(Duration.ofSeconds(5));
        assertThat(counters.subscriptions.get()).as("not invalidated before the update ran").isEqualTo(1);
        update.block(Duration.ofSeconds(5));
        service.find(1).block(Duration.ofSeconds(5));
        assertThat(counters.subscriptions.get()).isEqualTo(2);
    }

    @Test
    void mono_100ConcurrentSubscribers_runTheMethodOnce() throws Exception {
        CompletableFuture<Product> release = new CompletableFuture<>();
        counters.gate = release;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Product>> results = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            CompletableFuture<Product> result = new CompletableFuture<>();
            results.add(result);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    service.gated(5).subscribe(result::complete, result::completeExceptionally);
                    subscribed.countDown();
                } catch (InterruptedException e) {
                    result.completeExceptionally(e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).as("every subscribe returned without blocking").isTrue();
        assertThat(results).noneMatch(CompletableFuture::isDone);
        release.complete(new Product(5, "gated", 7));
        for (CompletableFuture<Product> result : results) {
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new Product(5, "gated", 7));
        }
        for (Thread t : threads) {
            t.join(5_000);
        }
        assertThat(counters.calls.get()).as("one method call for 100 subscribers").isEqualTo(1);
        assertThat(counters.subscriptions.get()).isEqualTo(1);
    }

    @Test
    void flux_isCachedAsTheCollectedList_andReplayed() {
        assertThat(service.byCategory(7).collectList().block(Duration.ofSeconds(5)))
                .containsExactly(new Product(1, "p1", 7), new Product(2, "p2", 7));
        assertThat(service.byCategory(7).collectList().block(Duration.ofSeconds(5)))
                .containsExactly(new Product(1, "p1", 7), new Product(2, "p2", 7));
        assertThat(counters.subscriptions.get()).isEqualTo(1);
        assertThat(template.getIfPresent("reactiveLists", 7L, new TypeRef<List<Product>>() {}).value())
                .containsExactly(new Product(1, "p1", 7), new Product(2, "p2", 7));
    }

    @Test
    void flux_empty_isCachedAsAnEmptyList() {
        assertThat(service.byCategory(99).collectList().block(Duration.ofSeconds(5))).isEmpty();
        assertThat(service.byCategory(99).collectList().block(Duration.ofSeconds(5))).isEmpty();
        assertThat(counters.subscriptions.get()).isEqualTo(1);
    }

    @Test
    void future_stillCachesItsValue() throws Exception {
        assertThat(service.async(1).get(5, TimeUnit.SECONDS)).isEqualTo(new Product(1, "p1", 7));
        assertThat(service.async(1).get(5, TimeUnit.SECONDS)).isEqualTo(new Product(1, "p1", 7));
        assertThat(counters.calls.get()).isEqualTo(1);
    }

    @Test
    void streamResult_failsStartup_namingTheMethod() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, StreamConfig.class).close())
                .hasStackTraceContaining("@Cached on io.lamina.cache.spring.ReactiveCachedTest$StreamResult.all()")
                .hasStackTraceContaining("java.util.stream.Stream");
    }

    @Test
    void iteratorResult_failsStartup_namingTheMethod() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, IteratorConfig.class).close())
                .hasStackTraceContaining("@Cached on io.lamina.cache.spring.ReactiveCachedTest$IteratorResult.all()")
                .hasStackTraceContaining("java.util.Iterator");
    }

    @Test
    void publisherOfUnknownKind_failsStartup_namingTheMethod() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, PublisherConfig.class).close())
                .hasStackTraceContaining("@Cached on io.lamina.cache.spring.ReactiveCachedTest$PublisherResult.all()")
                .hasStackTraceContaining("Mono<T> or Flux<T>");
    }

    @Test
    void kotlinSuspendFunction_failsStartup_namingTheMethod() {
        assertThatThrownBy(() -> new AnnotationConfigApplicationContext(Base.class, SuspendConfig.class).close())
                .hasStackTraceContaining("@Cached on io.lamina.cache.spring.ReactiveCachedTest$SuspendLike.find(long, Continuation)")
                .hasStackTraceContaining("suspend");
    }

    // ---- the beans --------------------------------------------------------------------------------------

    /** What the service saw: outside the proxied bean, whose fields a class proxy does not share. */
    static final class Counters {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger subscriptions = new AtomicInteger();
        volatile CompletableFuture<Product> gate;
    }

    public static class ReactiveProducts {
        private final Counters counters;

        public ReactiveProducts(Counters counters) {
            this.counters = counters;
        }

        ReactiveProducts() {
            this(null);   // for the class proxy
        }

        @Cached(cache = "reactive", key = "#id", tags = "'category:' + #result.categoryId()")
        public Mono<Product> find(long id) {
            counters.calls.incrementAndGet();
            return Mono.defer(() -> {
                counters.subscriptions.incrementAndGet();
                if (id < 0) {
                    return Mono.error(new IllegalArgumentException("negative id"));
                }
                if (id == 404) {
                    return Mono.empty();
                }
                return Mono.just(new Product(id, "p" + id, id == 3 ? 8 : 7));
            }).subscribeOn(Schedulers.parallel());
        }

        @Cached(cache = "gated", key = "#id")
        public Mono<Product> gated(long id) {
            counters.calls.incrementAndGet();
            return Mono.defer(() -> {
                counters.subscriptions.incrementAndGet();
                return Mono.fromFuture(counters.gate);
            });
        }

        @Cached(cache = "reactiveLists", key = "#categoryId")
        public Flux<Product> byCategory(long categoryId) {
            counters.calls.incrementAndGet();
            return Flux.defer(() -> {
                counters.subscriptions.incrementAndGet();
                return categoryId == 7 ? Flux.just(new Product(1, "p1", 7), new Product(2, "p2", 7)) : Flux.empty();
            });
        }

        @InvalidateTags("'category:' + #categoryId")
        public Mono<Void> categoryChanged(long categoryId) {
            return Mono.empty();
        }

        @Cached(cache = "futures", key = "#id")
        public CompletableFuture<Product> async(long id) {
            counters.calls.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> new Product(id, "p" + id, 7));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableLaminaCaching
    static class Base {
        @Bean
        CacheTemplate cacheTemplate() {
            return CacheTemplate.builder().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(Base.class)
    static class Config {
        @Bean
        Counters counters() {
            return new Counters();
        }

        @Bean
        ReactiveProducts reactiveProducts(Counters counters) {
            return new ReactiveProducts(counters);
        }
    }

    public static class StreamResult {
        @Cached(cache = "s")
        public Stream<Product> all() {
            return Stream.empty();
        }
    }

    public static class IteratorResult {
        @Cached(cache = "s")
        public Iterator<Product> all() {
            return List.<Product>of().iterator();
        }
    }

    public static class PublisherResult {
        @Cached(cache = "s")
        public Publisher<Product> all() {
            return Flux.empty();
        }
    }

    /** What the Kotlin compiler makes of {@code suspend fun find(id: Long): Product?}. */
    public static class SuspendLike {
        @Cached(cache = "s")
        public Object find(long id, kotlin.coroutines.Continuation<? super Product> continuation) {
            return null;
        }
    }

    @Import(StreamResult.class)
    static class StreamConfig {
    }

    @Import(IteratorResult.class)
    static class IteratorConfig {
    }

    @Import(PublisherResult.class)
    static class PublisherConfig {
    }

    @Import(SuspendLike.class)
    static class SuspendConfig {
    }
}
