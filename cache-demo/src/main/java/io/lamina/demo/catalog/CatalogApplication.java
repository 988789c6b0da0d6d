package io.lamina.demo.catalog;

import io.lamina.cache.CacheTemplate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sample service's Spring Boot application. The {@link CacheTemplate} comes from Lamina's auto-configuration
 * ({@code lamina.cache.*} in {@code application.properties}); the database from {@code spring.datasource.*}.
 * A {@link QueryCounter} or {@link SimulatedLatency} registered before startup is used instead of a new one (the
 * tour's two nodes share theirs).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class CatalogApplication {

    @Bean
    @ConditionalOnMissingBean
    QueryCounter queryCounter() {
        return new QueryCounter();
    }

    @Bean
    @ConditionalOnMissingBean
    SimulatedLatency simulatedLatency(@Value("${demo.db.latency:10ms}") Duration latency) {
        return new SimulatedLatency(latency);
    }

    @Bean
    ProductRepository productRepository(JdbcTemplate jdbc, QueryCounter counter, SimulatedLatency latency) {
        return new ProductRepository(jdbc, counter, latency);
    }

    @Bean
    CatalogService catalogService(ProductRepository repository, CacheTemplate cache) {
        return new CatalogService(repository, cache);
    }

    @Bean
    StockService stockService(ProductRepository repository, CacheTemplate cache) {
        return new StockService(repository, cache);
    }

    @Bean
    CatalogSchema catalogSchema(JdbcTemplate jdbc) {
        return new CatalogSchema(jdbc);
    }

    /** In {@code --serve} mode: creates the tables and fills an empty catalog. */
    @Bean
    @ConditionalOnProperty(name = "demo.catalog.seed-if-empty", havingValue = "true")
    ApplicationRunner seedIfEmpty(CatalogSchema schema, @Value("${demo.catalog.products:2000}") int products) {
        return args -> {
            schema.create();
            if (schema.productCount() == 0) {
                schema.reset(products);
            }
        };
    }

    /** {@code demo.db.queries{kind}}: the queries the database really received, for dashboards. */
    @Bean
    MeterBinder databaseQueryMeters(QueryCounter counter) {
        return registry -> {
            for (QueryCounter.Kind kind : QueryCounter.Kind.values()) {
                Gauge.builder("demo.db.queries", counter, c -> c.count(kind))
                        .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                        .description("Statements the sample service sent to its database")
                        .register(registry);
            }
        };
    }
}
