package io.lamina.cache.tests.docs.boot;

import io.lamina.cache.spring.Cached;
import io.lamina.cache.spring.Invalidate;
import io.lamina.cache.spring.InvalidateTags;
import io.lamina.cache.tests.docs.Product;
import io.lamina.cache.tests.docs.ProductRepository;
import org.springframework.stereotype.Service;

/** docs/getting-started.md: the first {@code @Cached} service. {@code DocSamplesTest} runs it in a Boot context. */
// region getting-started-service
@Service
public class ProductService {

    private final ProductRepository repository;

    public ProductService(ProductRepository repository) {
        this.repository = repository;
    }

    @Cached(cache = "products", key = "#id", tags = "'category:' + #result.categoryId()")
    public Product find(long id) {
        return repository.find(id);                 // runs on a miss only; null results are cached too
    }

    @Invalidate(cache = "products", key = "#product.id()")      // the entry itself, whatever category it had
    @InvalidateTags("'category:' + #product.categoryId()")     // and every entry tagged with the new category
    public void update(Product product) {
        repository.save(product);                   // both run after the method returned, on every node
    }

    @Invalidate(cache = "products", key = "#id")
    public void delete(long id) {
        repository.delete(id);                      // then the entry is removed from L1 and Redis, on every node
    }
}
// endregion
