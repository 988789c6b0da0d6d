package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.CachedValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/** Writes of the transaction-aware template and of the annotations inside a Spring transaction, L1 only. */
@Timeout(30)
class TransactionAwareCacheTemplateTest {

    /** A transaction manager with no resource: what it adds is Spring's transaction synchronization. */
    static final class NoResourceTransactionManager extends AbstractPlatformTransactionManager {
        private static final long serialVersionUID = 1L;

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }
    }

    private final CacheTemplate raw = CacheTemplate.builder().build();
    private final TransactionTemplate transaction = new TransactionTemplate(new NoResourceTransactionManager());

    @AfterEach
    void close() {
        raw.close();
    }

    private CachedValue<String> cached(String key) {
        return raw.getIfPresent("rows", key, String.class);
    }

    @Test
    void outsideATransaction_writesTakeEffectAtOnce() {
        CacheTemplate cache = TransactionAwareCacheTemplate.wrap(raw, TransactionMode.BOTH);
        raw.put("rows", "a", "old");
        cache.invalidate("rows", "a");
        assertThat(cached("a")).isNull();
        cache.put("rows", "a", "new");
        assertThat(cached("a")).isEqualTo(new CachedValue<>("new"));
    }

    @Test
    void both_invalidatesAtOnce_andAgainAfterTheCommit_removingWhatAReaderLoadedInTheWindow() {
        CacheTemplate cache = TransactionAwareCacheTemplate.wrap(raw, TransactionMode.BOTH);
        raw.put("rows", "a", "old");
        transaction.executeWithoutResult(status -> {
            cache.invalidate("rows", "a");
            assertThat(cached("a")).as("invalidated at once").isNull();
            raw.remember("rows", "a", String.class, () -> "old");   // a reader in the window reloads the old row
            assertThat(cached("a")).isEqualTo(new CachedValue<>("old"));
        });
        assertThat(cached("a")).as("invalidated again after the commit").isNull();
    }

    @Test
    void both_tagsAndWholeCaches_too() {
        CacheTemplate cache = TransactionAwareCacheTemplate.wrap(raw, TransactionMode.BOTH);
        transaction.executeWithoutResult(status -> {
            cache.invalidateTags("category:7");
            raw.remember("rows", "t", String.class, ctx -> {
                ctx.tags("category:7");
                return "old";
            });
            cache.invalidateAll("other");
            raw.put("other", "x", "old");
        });
        assertThat(cached("t")).isNull();
        assertThat(raw.getIfPresent("other", "x", String.class)).isNull();
    }

    @Test
    void both_invalidateAllOfKeys_atOnce_andAgainAfterTheCommit_onACopyOfTheKeys() {
        CacheTemplate cache = TransactionAwareCacheTemplate.wrap(raw, TransactionMode.BOTH);
        raw.put("rows", "a", "old");
        raw.put("rows", "b", "old");
        raw.put("rows", "c", "kept");
        java.util.List<String> keys = new java.util.ArrayList<>(java.util.List.of("a", "b"));
        transaction.executeWithoutResult(status -> {
            cache.invalidateAll("rows", keys);
            assertThat(cached("a")).as("invalidated at once").isNull();
            keys.clear();                                             // the caller's collection changes: the copy counts
            raw.remember("rows", "b", String.class, () -> "old");     // a reader in the window reloads the old row
        });
        assertThat(cached("b")).as("invalidated again after the commit").isNull();
        assertThat(cached("c")).isEqualTo(new CachedValue<>("kept"));
        assertThatThrownBy(() -> cache.invalidateAll("rows", java.util.Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("null key");
    }

    @Test
    void both_put_invalidatesAtOnce_andStoresAfterTheCommit() {
        CacheTemplate cache = TransactionAwareCacheTemplate.wrap(raw, TransactionMode.BOTH);
        raw.put("rows", "a", "old");
        transaction.executeWithoutResult(status -> {
            cache.put("rows", "a", "new");
            assertThat(cached("a")).isNull();
        });
        assertThat(cached("a")).isEqualTo(new CachedValue<>("new"));
    }

    @Test
    void both_rollback_keepsTheFirstInvalidation_andStoresNothing() {
        CacheTemplate cache = TransactionAwareCacheTemplate.wrap(raw, TransactionMode.BOTH);
        raw.put("rows", "a", "old");
        transaction.executeWithoutResult(status -> {
            cache.put("rows", "a", "new");
            status.setRollbackOnly();
        });
        assertThat(cached("a")).isNull();
    }

    @Test
    void afterCommit_changesNothingUntilTheCommit_andNothingOnARollback() {
        CacheTemplate cache = TransactionAwareCacheTemplate.wrap(raw, TransactionMode.AFTER_COMMIT);
        raw.put("rows", "a", "old");
        raw.put("rows", "b", "old");
        transaction.executeWithoutResult(status -> {
            cache.invalidate("rows", "a");
            assertThat(cached("a")).isEqualTo(new CachedValue<>("old"));
        });
        assertThat(cached("a")).isNull();
        transaction.executeWithoutResult(status -> {
            cache.invalidate("rows", "b");
            status.setRollbackOnly();
        });
        assertThat(cached("b")).isEqualTo(new CachedValue<>("old"));
    }

    @Test
    void immediate_isTheTemplateItself_andWrappingTwiceIsANoOp() {
        assertThat(TransactionAwareCacheTemplate.wrap(raw, TransactionMode.IMMEDIATE)).isSameAs(raw);
        CacheTemplate once = TransactionAwareCacheTemplate.wrap(raw, TransactionMode.BOTH);
        assertThat(TransactionAwareCacheTemplate.wrap(once, TransactionMode.AFTER_COMMIT)).isSameAs(once);
    }

    @Test
    void invalidateTagsAnnotation_insideATransaction_invalidatesAgainAfterTheCommit_withAPlainTemplateBean() {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(AnnotationConfig.class)) {
            Rows rows = context.getBean(Rows.class);
            CacheTemplate template = context.getBean(CacheTemplate.class);
            TransactionTemplate tx = new TransactionTemplate(new NoResourceTransactionManager());
            assertThat(rows.find("a")).isEqualTo("row-a");
            tx.executeWithoutResult(status -> {
                rows.update("a");
                assertThat(template.getIfPresent("rows", "a", String.class)).isNull();
                rows.find("a");   // the reader in the window
                assertThat(template.getIfPresent("rows", "a", String.class)).isNotNull();
            });
            assertThat(template.getIfPresent("rows", "a", String.class)).isNull();
        }
    }

    public static class Rows {
        @Cached(cache = "rows", tags = "'row:' + #id")
        public String find(String id) {
            return "row-" + id;
        }

        @InvalidateTags("'row:' + #id")
        public void update(String id) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableLaminaCaching
    static class AnnotationConfig {
        @Bean(destroyMethod = "close")
        CacheTemplate cacheTemplate() {
            return CacheTemplate.builder().build();
        }

        @Bean
        Rows rows() {
            return new Rows();
        }
    }
}
