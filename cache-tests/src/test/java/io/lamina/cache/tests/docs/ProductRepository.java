package io.lamina.cache.tests.docs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The "database" of the documentation samples: an in-memory table that counts its queries. */
public class ProductRepository {

    private final Map<Long, Product> rows = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();

    /** The product with this id, or null; counts one query. */
    public Product find(long id) {
        queries.incrementAndGet();
        return rows.get(id);
    }

    /** Every product of a category; counts one query. */
    public java.util.List<Product> findByCategory(long categoryId) {
        queries.incrementAndGet();
        return rows.values().stream().filter(p -> p.categoryId() == categoryId)
                .sorted(java.util.Comparator.comparingLong(Product::id)).toList();
    }

    public void save(Product product) {
        rows.put(product.id(), product);
    }

    public void delete(long id) {
        rows.remove(id);
    }

    /** Queries so far. */
    public int queries() {
        return queries.get();
    }
}
