/** Keys and names: the stable string form of key objects, and validation of namespace and cache names. */
package io.lamina.cache.internal.key;
