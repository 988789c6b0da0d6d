package io.lamina.cache.internal.key;

import java.util.Objects;

/** Validation of the names that become part of Redis keys and channels: namespaces, cache names. */
public final class Names {

    /** Longest namespace or cache name. */
    public static final int MAX_LENGTH = 64;

    private Names() {
    }

    /**
     * Returns {@code name} if it is 1 to 64 characters of letters, digits, {@code .}, {@code _} or
     * {@code -}.
     *
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException naming {@code what} otherwise
     */
    public static String checkName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must be at most " + MAX_LENGTH + " characters, got " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException(what + " '" + name + "' may hold only letters, digits, '.', '_' and '-'; found '" + c + "'");
            }
        }
        return name;
    }

    /**
     * Returns {@code tag} if it is non-blank and at most {@code maxLength} characters.
     *
     * @throws NullPointerException     if {@code tag} is null
     * @throws IllegalArgumentException otherwise
     */
    public static String checkTag(String tag, int maxLength) {
        Objects.requireNonNull(tag, "tag");
        if (tag.isBlank()) {
            throw new IllegalArgumentException("tag must not be blank");
        }
        if (tag.length() > maxLength) {
            throw new IllegalArgumentException("tag must be at most " + maxLength + " characters, got " + tag.length() + ": " + tag.substring(0, 32) + "...");
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c < ' ' || c == 0x7f) {
                throw new IllegalArgumentException("tag must not hold control characters: " + tag.replaceAll("\\p{Cntrl}", "?"));
            }
            if (Character.isSurrogate(c)) {
                // refused before any I/O: it has no UTF-8 form, its tag key would never match the entry's tag
                KeyFormatter.checkPaired(tag, i, "a tag");
                i++;
            }
        }
        return tag;
    }
}
