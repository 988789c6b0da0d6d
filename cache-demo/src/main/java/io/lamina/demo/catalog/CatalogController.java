package io.lamina.demo.catalog;

import io.lamina.cache.CacheStats;
import io.lamina.cache.CacheTemplate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The sample service's REST API (served in {@code --serve} mode). */
@RestController
public class CatalogController {

    /**
     * Body of {@code PUT /products/{id}}.
     *
     * @param categoryId the category
     * @param name       the display name
     * @param priceCents the price in cents
     */
    public record ProductUpdate(long categoryId, String name, long priceCents) {
    }

    private final CatalogService catalog;
    private final StockService stock;
    private final CacheTemplate cache;
    private final QueryCounter queries;

    CatalogController(CatalogService catalog, StockService stock, CacheTemplate cache, QueryCounter queries) {
        this.catalog = catalog;
        this.stock = stock;
        this.cache = cache;
        this.queries = queries;
    }

    /** {@code GET /products/{id}}: the product, 404 when there is none. */
    @GetMapping("/products/{id}")
    public ResponseEntity<Product> product(@PathVariable long id) {
        Product product = catalog.product(id);
        return product == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(product);
    }

    /** {@code PUT /products/{id}}: updates a product and invalidates its category everywhere; 404 when none. */
    @PutMapping("/products/{id}")
    public ResponseEntity<Void> update(@PathVariable long id, @RequestBody ProductUpdate update) {
        boolean found = catalog.update(new Product(id, update.categoryId(), update.name(), update.priceCents()));
        return found ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    /** {@code GET /products/{id}/stock}: units in stock, 404 when the product has no stock row. */
    @GetMapping("/products/{id}/stock")
    public ResponseEntity<Map<String, Object>> stock(@PathVariable long id) {
        Integer quantity = stock.stock(id);
        return quantity == null ? ResponseEntity.notFound().build()
                : ResponseEntity.ok(Map.of("productId", id, "quantity", quantity));
    }

    /** {@code GET /categories/{id}/products}: the products of a category. */
    @GetMapping("/categories/{id}/products")
    public List<Product> productsOf(@PathVariable long id) {
        return catalog.productsOf(id);
    }

    /** {@code POST /categories/{id}/invalidate}: drops every cached entry of the category, on every node. */
    @PostMapping("/categories/{id}/invalidate")
    public ResponseEntity<Void> invalidate(@PathVariable long id) {
        catalog.invalidateCategory(id);
        return ResponseEntity.noContent().build();
    }

    /** {@code GET /demo/stats}: database queries by kind and each cache's counters and hit ratios. */
    @GetMapping("/demo/stats")
    public Map<String, Object> stats() {
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Long> db = new LinkedHashMap<>();
        for (QueryCounter.Kind kind : QueryCounter.Kind.values()) {
            db.put(kind.name().toLowerCase(java.util.Locale.ROOT), queries.count(kind));
        }
        body.put("databaseQueries", db);
        Map<String, Object> caches = new LinkedHashMap<>();
        for (String name : cache.cacheNames()) {
            CacheStats s = cache.stats(name);
            caches.put(name, Map.of("requests", s.requests(), "l1HitRatio", s.l1HitRatio(),
                    "l2HitRatio", s.l2HitRatio(), "hitRatio", s.hitRatio(), "loads", s.loads(),
                    "l2Errors", s.l2Errors()));
        }
        body.put("caches", caches);
        return body;
    }
}
