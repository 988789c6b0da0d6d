package io.lamina.cache.tests.docs;

/** The value type of the documentation samples. */
public record Product(long id, long categoryId, String name) {
}
