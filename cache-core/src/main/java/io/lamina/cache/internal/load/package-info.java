/** Loading: single-flight per key, the loader context, and how failures reach callers. */
package io.lamina.cache.internal.load;
