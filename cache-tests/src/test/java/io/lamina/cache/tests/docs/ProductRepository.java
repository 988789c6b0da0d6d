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

    /** The products with these ids (absent ones left out); counts one query, whatever the number of ids. */
    public java.util.Map<Long, Product> findAll(java.util.Collection<Long> ids) {
        queries.incrementAndGet();
        java.util.Map<Long, Product> found = new java.util.LinkedHashMap<>();
        for (Long id : ids) {
            Product p = rows.get(id);
            if (p != null) {
                found.put(id, p);
            }
        }
        return found;
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
