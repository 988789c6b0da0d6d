/** Tag versions: O(1) invalidation of every entry that carries a tag. */
package io.lamina.cache.internal.tag;
