package io.lamina.demo.catalog;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Creates the catalog's two tables (portable SQL for H2 and PostgreSQL, prefixed {@code lamina_demo_} so they do
 * not meet an application's own) and fills them with a generated catalog. Thread-safe as far as the database is.
 */
public class CatalogSchema {

    /** Products are spread over this many categories, 1 to {@code CATEGORIES}. */
    public static final int CATEGORIES = 20;

    private final JdbcTemplate jdbc;

    /** @param jdbc the database */
    public CatalogSchema(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the tables unless they exist. */
    public void create() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS lamina_demo_product (id BIGINT PRIMARY KEY,"
                + " category_id BIGINT NOT NULL, name VARCHAR(200) NOT NULL, price_cents BIGINT NOT NULL)");
        jdbc.execute("CREATE TABLE IF NOT EXISTS lamina_demo_stock (product_id BIGINT PRIMARY KEY,"
                + " quantity INT NOT NULL)");
    }

    /** @return how many products the catalog holds */
    public long productCount() {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM lamina_demo_product", Long.class);
        return count == null ? 0 : count;
    }

    /**
     * Replaces the catalog by products 1 to {@code products}, product {@code id} in category
     * {@code 1 + id % CATEGORIES}, each with a stock row.
     *
     * @param products how many products, at least 1
     */
    public void reset(int products) {
        create();
        jdbc.update("DELETE FROM lamina_demo_stock");
        jdbc.update("DELETE FROM lamina_demo_product");
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> stock = new ArrayList<>();
        for (long id = 1; id <= products; id++) {
            rows.add(new Object[] {id, categoryOf(id), "product " + id, 100 + id * 7 % 9_900});
            stock.add(new Object[] {id, (int) (id * 13 % 500)});
        }
        jdbc.batchUpdate("INSERT INTO lamina_demo_product (id, category_id, name, price_cents) VALUES (?, ?, ?, ?)",
                rows);
        jdbc.batchUpdate("INSERT INTO lamina_demo_stock (product_id, quantity) VALUES (?, ?)", stock);
    }

    /**
     * @param productId a product id of the generated catalog
     * @return its category
     */
    public static long categoryOf(long productId) {
        return 1 + productId % CATEGORIES;
    }
}
