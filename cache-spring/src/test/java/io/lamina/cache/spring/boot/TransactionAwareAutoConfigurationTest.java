package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spring.TransactionAwareCacheTemplate;
import io.lamina.cache.spring.TransactionMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** {@code lamina.cache.transaction-aware}: the auto-configured template follows Spring transactions. */
@Timeout(30)
class TransactionAwareAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class));

    @Test
    void byDefault_theTemplateInvalidatesAtOnceAndAfterTheCommit() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CacheTemplate.class)).isInstanceOfSatisfying(TransactionAwareCacheTemplate.class,
                    t -> assertThat(t.mode()).isEqualTo(TransactionMode.BOTH));
        });
    }

    @Test
    void afterCommit_isBound() {
        runner.withPropertyValues("lamina.cache.transaction-aware=after-commit").run(context ->
                assertThat(context.getBean(CacheTemplate.class)).isInstanceOfSatisfying(TransactionAwareCacheTemplate.class,
                        t -> assertThat(t.mode()).isEqualTo(TransactionMode.AFTER_COMMIT)));
    }

    @Test
    void immediate_leavesTheTemplatePlain() {
        runner.withPropertyValues("lamina.cache.transaction-aware=immediate").run(context ->
                assertThat(context.getBean(CacheTemplate.class)).isNotInstanceOf(TransactionAwareCacheTemplate.class));
    }

    @Test
    void withoutSpringTx_theTemplateIsPlain() {
        runner.withClassLoader(new FilteredClassLoader(TransactionSynchronizationManager.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CacheTemplate.class)).isNotInstanceOf(TransactionAwareCacheTemplate.class);
        });
    }

    @Test
    void aBadValue_failsStartup() {
        runner.withPropertyValues("lamina.cache.transaction-aware=later").run(context -> assertThat(context).hasFailed());
    }
}
