package io.lamina.demo.catalog;

import io.lamina.demo.catalog.QueryCounter.Kind;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The catalog's SQL, portable between H2 and PostgreSQL. Every statement is counted in the
 * {@link QueryCounter} right before it is sent; reads also take the {@link SimulatedLatency}. Thread-safe.
 */
public class ProductRepository {

    private static final RowMapper<Product> PRODUCT = (rs, row) -> new Product(
            rs.getLong("id"), rs.getLong("category_id"), rs.getString("name"), rs.getLong("price_cents"));

    private final JdbcTemplate jdbc;
    private final QueryCounter counter;
    private final SimulatedLatency latency;

    /**
     * @param jdbc    the database
     * @param counter where the statements are counted
     * @param latency extra time of every read
     */
    public ProductRepository(JdbcTemplate jdbc, QueryCounter counter, SimulatedLatency latency) {
        this.jdbc = jdbc;
        this.counter = counter;
        this.latency = latency;
    }

    /**
     * @param id a product id
     * @return the product, or null when there is none with that id
     */
    public Product find(long id) {
        counter.record(Kind.PRODUCT);
        latency.pause();
        List<Product> rows = jdbc.query(
                "SELECT id, category_id, name, price_cents FROM lamina_demo_product WHERE id = ?", PRODUCT, id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * @param ids product ids, not empty
     * @return the products among them, by id (ids without a product left out); one statement
     */
    public java.util.Map<Long, Product> findAll(java.util.Collection<Long> ids) {
        counter.record(Kind.PAGE);
        latency.pause();
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        java.util.Map<Long, Product> found = new java.util.LinkedHashMap<>();
        for (Product p : jdbc.query("SELECT id, category_id, name, price_cents FROM lamina_demo_product WHERE id IN (" + marks + ")",
                PRODUCT, ids.toArray())) {
            found.put(p.id(), p);
        }
        return found;
    }

    /**
     * @param categoryId a category id
     * @return its products by id, empty when it has none
     */
    public List<Product> findByCategory(long categoryId) {
        counter.record(Kind.CATEGORY);
        latency.pause();
        return jdbc.query("SELECT id, category_id, name, price_cents FROM lamina_demo_product"
                + " WHERE category_id = ? ORDER BY id", PRODUCT, categoryId);
    }

    /**
     * @param productId a product id
     * @return units in stock, or null when the product has no stock row
     */
    public Integer findStock(long productId) {
        counter.record(Kind.STOCK);
        latency.pause();
        List<Integer> rows = jdbc.queryForList(
                "SELECT quantity FROM lamina_demo_stock WHERE product_id = ?", Integer.class, productId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * @param product the new state of an existing product
     * @return whether a row was updated
     */
    public boolean update(Product product) {
        counter.record(Kind.UPDATE);
        return jdbc.update("UPDATE lamina_demo_product SET category_id = ?, name = ?, price_cents = ? WHERE id = ?",
                product.categoryId(), product.name(), product.priceCents(), product.id()) == 1;
    }
}
