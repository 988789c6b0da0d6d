package io.lamina.demo.catalog;

import io.lamina.cache.CacheTemplate;
import io.lamina.cache.TypeRef;
import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.CachedAll;
import io.lamina.cache.spring.Invalidate;
import io.lamina.cache.spring.InvalidateTags;
import java.util.List;

/**
 * The catalog's read and write paths, cached with Lamina:
 * <ul>
 *   <li>{@link #product(long)}: {@code @Cached} with the product's category as a tag; a missing id caches a null
 *       for the cache's null TTL (penetration), and concurrent callers of a cold id share one load across the
 *       cluster (breakdown);</li>
 *   <li>{@link #productsOf(long)}: {@code CacheTemplate.remember} of a generic list, tagged in the loader;</li>
 *   <li>{@link #update(Product)} and {@link #invalidateCategory(long)}: tag invalidation, seen by every node.</li>
 * </ul>
 * Thread-safe. Called through its Spring proxy (self-invocation would skip the annotations).
 */
public class CatalogService {

    /** Cache of single products, filled by {@code @Cached}. */
    public static final String PRODUCTS = "products";
    /** Cache of the product lists of categories, filled by {@code remember}. */
    public static final String CATEGORY_PRODUCTS = "category-products";

    private static final TypeRef<List<Product>> PRODUCT_LIST = new TypeRef<>() {
    };

    private final ProductRepository repository;
    private final CacheTemplate cache;

    /**
     * @param repository the database
     * @param cache      the node's template (its L1, the shared Redis tier)
     */
    public CatalogService(ProductRepository repository, CacheTemplate cache) {
        this.repository = repository;
        this.cache = cache;
    }

    /**
     * @param id a product id
     * @return the product, or null when there is none (that null is cached too)
     */
    @Cached(cache = PRODUCTS, key = "#id", tags = "'category:' + #result.categoryId()")
    public Product product(long id) {
        return repository.find(id);
    }

    /**
     * A page of products in one go: {@code @CachedAll} caches each under the key {@link #product(long)} uses, and
     * the repository is asked once, for the ids no tier has.
     *
     * @param ids product ids
     * @return the products among them, by id, in the order of {@code ids}
     */
    @CachedAll(cache = PRODUCTS, tags = "'category:' + #result.categoryId()")
    public java.util.Map<Long, Product> products(java.util.Collection<Long> ids) {
        return repository.findAll(ids);
    }

    /**
     * @param categoryId a category id
     * @return its products, empty when it has none; cached under the tag {@code category:<id>}
     */
    public List<Product> productsOf(long categoryId) {
        return cache.remember(CATEGORY_PRODUCTS, categoryId, PRODUCT_LIST, ctx -> {
            ctx.tags("category:" + categoryId);
            return repository.findByCategory(categoryId);
        });
    }

    /**
     * Writes a product and invalidates, on every node, the product and everything tagged with its category (and
     * with its former category when it moved).
     *
     * @param product the new state of an existing product
     * @return whether the product existed
     */
    @InvalidateTags("'category:' + #product.categoryId()")
    @Invalidate(cache = PRODUCTS, key = "#product.id()")
    public boolean update(Product product) {
        Product before = repository.find(product.id());
        if (before == null) {
            return false;
        }
        repository.update(product);
        if (before.categoryId() != product.categoryId()) {
            cache.invalidateTags("category:" + before.categoryId());
        }
        return true;
    }

    /**
     * Invalidates every cached entry of a category, on every node, in O(1) (e.g. after a bulk import).
     *
     * @param categoryId a category id
     */
    public void invalidateCategory(long categoryId) {
        cache.invalidateTags("category:" + categoryId);
    }
}
