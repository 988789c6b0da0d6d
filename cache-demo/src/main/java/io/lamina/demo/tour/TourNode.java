package io.lamina.demo.tour;

import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import io.lamina.demo.catalog.CatalogService;
import io.lamina.demo.catalog.ProductRepository;
import io.lamina.demo.catalog.StockService;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One node of the sample service: a Spring Boot application context with its own {@link CacheTemplate} (its own
 * L1 and Redis connections), reached through its beans' Spring proxies as a controller would.
 */
final class TourNode implements AutoCloseable {

    private final String name;
    private final ConfigurableApplicationContext context;

    TourNode(String name, ConfigurableApplicationContext context) {
        this.name = name;
        this.context = context;
    }

    String name() {
        return name;
    }

    CatalogService catalog() {
        return context.getBean(CatalogService.class);
    }

    StockService stock() {
        return context.getBean(StockService.class);
    }

    ProductRepository repository() {
        return context.getBean(ProductRepository.class);
    }

    CacheTemplate cache() {
        return context.getBean(CacheTemplate.class);
    }

    CacheStats stats(String cache) {
        return cache().stats(cache);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
