package io.lamina.cache.spring;

/** The value type of the tests. */
public record Product(long id, String name, long categoryId) {
}
