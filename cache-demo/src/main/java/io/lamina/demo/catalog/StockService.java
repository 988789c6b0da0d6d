package io.lamina.demo.catalog;

import io.lamina.cache.CacheTemplate;

/**
 * Stock levels: they change often, so they are cached briefly, with the avalanche defences on (TTL jitter so keys
 * loaded together expire apart, refresh-ahead so hot keys are reloaded in the background before they expire).
 * Thread-safe.
 */
public class StockService {

    /** Short-lived cache with jitter and refresh-ahead. */
    public static final String STOCK = "stock";
    private final ProductRepository repository;
    private final CacheTemplate cache;

    /**
     * @param repository the database
     * @param cache      the node's template
     */
    public StockService(ProductRepository repository, CacheTemplate cache) {
        this.repository = repository;
        this.cache = cache;
    }

    /**
     * @param productId a product id
     * @return units in stock, or null when the product has no stock row
     */
    public Integer stock(long productId) {
        return cache.remember(STOCK, productId, Integer.class, () -> repository.findStock(productId));
    }

}
