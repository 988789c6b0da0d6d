package io.lamina.cache.tests.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.InvalidateTags;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invalidation and transactions, two Boot contexts as two nodes on real Redis. Node A updates a row inside a
 * transaction ({@code @InvalidateTags}); before the commit, a reader on node B misses and loads the row, which
 * is still the old one, since the new one is not committed. By default ({@code lamina.cache.transaction-aware=both})
 * the invalidation runs again after the commit and removes that old row from both nodes; with {@code immediate}
 * the old row stays cached after the commit.
 */
@RedisTest
@Timeout(60)
class SpringTransactionTwoNodesIT {

    public record Row(long id, long categoryId, String name) {
    }

    /** A "database" whose writes inside a transaction are seen by others only after the commit. */
    static final class Database {
        final Map<Long, Row> committed = new ConcurrentHashMap<>();
        final AtomicInteger queries = new AtomicInteger();

        Row find(long id) {
            queries.incrementAndGet();
            return committed.get(id);
        }

        @SuppressWarnings("unchecked")
        void save(Row row) {
            Map<Long, Row> pending = (Map<Long, Row>) TransactionSynchronizationManager.getResource(this);
            (pending != null ? pending : committed).put(row.id(), row);
        }
    }

    /** Binds a map of pending writes to the transaction and applies it to the database on commit. */
    static final class DatabaseTransactionManager extends AbstractPlatformTransactionManager {
        private static final long serialVersionUID = 1L;
        private final transient Database database;

        DatabaseTransactionManager(Database database) {
            this.database = database;
        }

        @Override
        protected Object doGetTransaction() {
            return new HashMap<Long, Row>();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
            TransactionSynchronizationManager.bindResource(database, transaction);
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void doCommit(DefaultTransactionStatus status) {
            database.committed.putAll((Map<Long, Row>) status.getTransaction());
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }

        @Override
        protected void doCleanupAfterCompletion(Object transaction) {
            TransactionSynchronizationManager.unbindResource(database);
        }
    }

    public static class RowService {
        private final Database database;

        public RowService(Database database) {
            this.database = database;
        }

        @Cached(cache = "rows", key = "#id", tags = "'category:' + #result.categoryId()")
        public Row find(long id) {
            return database.find(id);
        }

        @InvalidateTags("'category:' + #row.categoryId()")
        public void update(Row row) {
            database.save(row);
        }
    }

    /** Not a @Configuration, so that the component scan of the other Spring tests in this package skips it. */
    @EnableAutoConfiguration
    static class Node {
        @Bean
        RowService rowService(Database database) {
            return new RowService(database);
        }

        @Bean
        DatabaseTransactionManager transactionManager(Database database) {
            return new DatabaseTransactionManager(database);
        }
    }

    private static final Database DATABASE = new Database();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private RedisServer redis;
    private String namespace;

    @BeforeEach
    void start(RedisServer redis, @RedisNamespace String namespace) {
        DATABASE.committed.clear();
        DATABASE.queries.set(0);
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
    }

    private ConfigurableApplicationContext node(String mode) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Node.class)
                .web(WebApplicationType.NONE)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("database", DATABASE))
                .properties("lamina.cache.namespace=" + namespace, "lamina.cache.redis.url=" + redis.uri(),
                        "lamina.cache.bus-check-interval=100ms", "lamina.cache.transaction-aware=" + mode,
                        "spring.main.banner-mode=off")
                .run();
        contexts.add(context);
        return context;
    }

    @AfterEach
    void stop() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    /**
     * Node A updates row 1 in a transaction; node B reads it between the update and the commit. Returns what node A
     * reads right after the commit, and node B's service and template.
     */
    private Row updateWithAReaderInTheWindow(ConfigurableApplicationContext a, ConfigurableApplicationContext b) {
        RowService nodeA = a.getBean(RowService.class);
        RowService nodeB = b.getBean(RowService.class);
        CacheTemplate templateB = b.getBean(CacheTemplate.class);
        DATABASE.committed.put(1L, new Row(1, 7, "old"));
        assertThat(nodeA.find(1).name()).isEqualTo("old");
        assertThat(nodeB.find(1).name()).isEqualTo("old");
        assertThat(DATABASE.queries).hasValue(1);

        new TransactionTemplate(a.getBean(DatabaseTransactionManager.class)).executeWithoutResult(status -> {
            nodeA.update(new Row(1, 7, "new"));
            // the invalidation of the update reached node B: its next read misses and goes to the database
            await().atMost(Duration.ofSeconds(5)).until(() -> templateB.getIfPresent("rows", 1L, Row.class) == null);
            assertThat(nodeB.find(1).name()).as("the reader in the window sees the committed row").isEqualTo("old");
            assertThat(DATABASE.queries).hasValue(2);
        });
        assertThat(DATABASE.committed.get(1L).name()).isEqualTo("new");
        return nodeA.find(1);
    }

    @Test
    void both_theReaderInTheWindow_doesNotLeaveTheOldRowCachedAfterTheCommit() {
        ConfigurableApplicationContext a = node("both");
        ConfigurableApplicationContext b = node("both");
        Row afterCommit = updateWithAReaderInTheWindow(a, b);
        assertThat(afterCommit.name()).as("node A right after the commit").isEqualTo("new");
        RowService nodeB = b.getBean(RowService.class);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nodeB.find(1).name()).isEqualTo("new"));
    }

    @Test
    void immediate_theReaderInTheWindow_leavesTheOldRowCached() {
        ConfigurableApplicationContext a = node("immediate");
        ConfigurableApplicationContext b = node("immediate");
        Row afterCommit = updateWithAReaderInTheWindow(a, b);
        assertThat(afterCommit.name()).as("the old row the reader stored in Redis, served after the commit").isEqualTo("old");
        assertThat(b.getBean(RowService.class).find(1).name()).isEqualTo("old");
    }
}
