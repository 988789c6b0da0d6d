package io.lamina.demo.tour;

import static org.awaitility.Awaitility.await;

import io.lamina.demo.catalog.CatalogSchema;
import io.lamina.demo.catalog.CatalogService;
import io.lamina.demo.catalog.Product;
import io.lamina.demo.catalog.QueryCounter.Kind;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Tag invalidation across nodes: both nodes cache a category's product list and its products; node 1 renames a
 * product ({@code @InvalidateTags} on the update); node 2 must serve the new name within the bus delay, reloading
 * the list once for the whole cluster, while another category's entries stay cached.
 */
final class TagInvalidationStep implements TourStep {

    private static final long PRODUCT_ID = 42;
    private static final Duration AT_MOST = Duration.ofSeconds(5);

    @Override
    public String title() {
        return "Tags: an update on node-1 invalidates category entries on node-2 (@InvalidateTags)";
    }

    @Override
    public StepResult run(TourCluster cluster, PrintStream out) throws Exception {
        CatalogService node1 = cluster.node(0).catalog();
        CatalogService node2 = cluster.node(1).catalog();
        long category = CatalogSchema.categoryOf(PRODUCT_ID);
        long other = category % CatalogSchema.CATEGORIES + 1;
        for (CatalogService node : List.of(node1, node2)) {
            node.productsOf(category);
            node.productsOf(other);
            node.product(PRODUCT_ID);
        }
        Product old = node2.product(PRODUCT_ID);
        String newName = old.name() + " (renamed at " + System.currentTimeMillis() % 100_000 + ")";
        long categoryQueries = cluster.queries().count(Kind.CATEGORY);
        long productQueries = cluster.queries().count(Kind.PRODUCT);

        long began = System.nanoTime();
        node1.update(new Product(old.id(), old.categoryId(), newName, old.priceCents() + 100));
        long updated = System.nanoTime();
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(5)).until(() ->
                newName.equals(node2.product(PRODUCT_ID).name())
                && node2.productsOf(category).stream().anyMatch(p -> newName.equals(p.name())));
        long seen = System.nanoTime();
        boolean node1Sees = newName.equals(node1.product(PRODUCT_ID).name())
                && node1.productsOf(category).stream().anyMatch(p -> newName.equals(p.name()));
        long listReloads = cluster.queries().count(Kind.CATEGORY) - categoryQueries;
        long otherBefore = cluster.queries().count(Kind.CATEGORY);
        node1.productsOf(other);
        node2.productsOf(other);
        long otherQueries = cluster.queries().count(Kind.CATEGORY) - otherBefore;
        // the update itself reads the row once (to find a former category); the rest are reloads
        long productReloads = cluster.queries().count(Kind.PRODUCT) - productQueries - 1;

        new Table("what", "result")
                .row("node-1 update of product " + PRODUCT_ID + " (category " + category + ")",
                        Table.millis(updated - began))
                .row("node-2 serves the new name after", Table.millis(seen - updated))
                .row("node-1 serves the new name", node1Sees ? "yes" : "NO")
                .row("category " + category + " list reloads (both nodes)", Table.count(listReloads))
                .row("product " + PRODUCT_ID + " reloads (both nodes)", Table.count(productReloads))
                .row("category " + other + " queries (other tag, still cached)", Table.count(otherQueries))
                .print(out);
        // the product gets two messages (its key, its tag): if the key's arrives while node-2 reloads after the
        // tag's, that reload is fenced and the next read loads once more, which is correct, hence <= 2
        return StepResult.check("tags", "node-2 sees node-1's update; the list reloads once; others cached",
                "seen after " + Table.millis(seen - updated) + ", " + listReloads + " list reload(s)",
                node1Sees && listReloads == 1 && productReloads <= 2 && otherQueries == 0);
    }
}
