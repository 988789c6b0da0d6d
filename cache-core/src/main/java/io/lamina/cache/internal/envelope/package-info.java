/** The envelope: the versioned binary form of an entry in the remote tier. */
package io.lamina.cache.internal.envelope;
