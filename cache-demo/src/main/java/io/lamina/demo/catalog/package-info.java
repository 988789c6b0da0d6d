/**
 * The sample service: a product catalog over a real database (H2 by default, PostgreSQL when a JDBC URL is
 * given), cached with Lamina the way the docs recommend: {@code @Cached} on single-row reads,
 * {@code CacheTemplate.remember} with tags for lists, {@code @InvalidateTags} on writes, and short-lived stock
 * levels with jitter and refresh-ahead. The repository counts every query it sends, so the tour can show what
 * the database really saw.
 */
package io.lamina.demo.catalog;
