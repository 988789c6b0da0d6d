/** The in-process tier (L1): Caffeine holding decoded values with per-entry expiry. */
package io.lamina.cache.internal.l1;
