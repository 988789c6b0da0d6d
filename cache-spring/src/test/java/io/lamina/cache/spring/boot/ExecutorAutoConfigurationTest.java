package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheTemplate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code laminaCacheExecutor} bean: the template continues its async work there; without it, the default. */
@Timeout(30)
class ExecutorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class))
            .withPropertyValues("lamina.cache.caches.slow.soft-timeout=50ms");

    @Test
    void anExecutorBeanNamedLaminaCacheExecutor_runsTheTemplatesAsyncWork() {
        AtomicInteger tasks = new AtomicInteger();
        Executor counting = task -> {
            tasks.incrementAndGet();
            new Thread(task, "app-executor").start();
        };
        runner.withBean(LaminaCacheAutoConfiguration.EXECUTOR_BEAN, Executor.class, () -> counting).run(context -> {
            assertThat(context).hasNotFailed();
            CacheTemplate template = context.getBean(CacheTemplate.class);
            CompletableFuture<String> never = new CompletableFuture<>();
            template.rememberAsync("slow", 1, String.class, ctx -> never);
            // the soft timeout fires as a task of the template's executor
            await().atMost(Duration.ofSeconds(5)).until(() -> template.stats("slow").loadTimeouts() == 1);
            assertThat(tasks).hasValue(1);
            never.complete("v");
        });
    }

    @Test
    void anExecutorBeanWithAnotherName_isNotUsed() {
        AtomicInteger tasks = new AtomicInteger();
        Executor counting = task -> {
            tasks.incrementAndGet();
            new Thread(task).start();
        };
        runner.withBean("someOtherExecutor", Executor.class, () -> counting).run(context -> {
            assertThat(context).hasNotFailed();
            CacheTemplate template = context.getBean(CacheTemplate.class);
            CompletableFuture<String> never = new CompletableFuture<>();
            template.rememberAsync("slow", 1, String.class, ctx -> never);
            await().atMost(Duration.ofSeconds(5)).until(() -> template.stats("slow").loadTimeouts() == 1);
            assertThat(tasks).hasValue(0);
            never.complete("v");
        });
    }
}
