package io.lamina.demo.catalog;

/**
 * A row of the catalog.
 *
 * @param id         the product's id
 * @param categoryId the category it belongs to
 * @param name       its display name
 * @param priceCents its price in cents
 */
public record Product(long id, long categoryId, String name, long priceCents) {
}
