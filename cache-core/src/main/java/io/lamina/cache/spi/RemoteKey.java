package io.lamina.cache.spi;

/**
 * The name of one entry in the remote tier: namespace and cache name (validated: letters, digits,
 * {@code . _ -}) and the key's stable string form (escaped: it holds no glob characters or braces).
 *
 * @param namespace the template's namespace
 * @param cache     the cache name
 * @param key       the key's stable string form
 */
public record RemoteKey(String namespace, String cache, String key) {

    /**
     * Namespace, cache and a digest of the key, never the key itself: this form goes into log lines, and keys are
     * often personal data (an e-mail address, a customer number). The digest (the first 8 hex digits of the key's
     * SHA-256) tells keys apart in logs and can be matched against a key you know; {@link #key()} has the key. With the
     * system property {@value #SHOW_KEYS} set to {@code true} (for debugging, where keys are no secret) the key itself
     * is shown, its control and bidirectional characters escaped by the log.
     */
    @Override
    public String toString() {
        String shown = Boolean.getBoolean(SHOW_KEYS) ? "key=" + key : "key#=" + digest(key);
        return "RemoteKey[namespace=" + namespace + ", cache=" + cache + ", " + shown + "]";
    }

    /** The system property that makes log lines show keys instead of their digests: {@value}. */
    public static final String SHOW_KEYS = "lamina.cache.log-keys";

    private static String digest(String key) {
        if (key == null) {
            return "null";
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
