/**
 * JMH benchmarks of Lamina. Each benchmark class holds its raw baseline (raw Caffeine, raw Lettuce) as
 * another {@code @Benchmark} so the ratio comes from one run. Not published; results live in
 * {@code docs/benchmarks.md}.
 */
package io.lamina.bench;
