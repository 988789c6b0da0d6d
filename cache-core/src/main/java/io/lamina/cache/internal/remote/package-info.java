/** How the core talks to the remote tier: failures become counted misses. */
package io.lamina.cache.internal.remote;
