package io.lamina.cache.internal.key;

import io.lamina.cache.CacheKey;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Turns a caller's key object into the stable string that names it in the remote tier.
 *
 * <p>The form, documented in docs/concepts:
 * <ul>
 *   <li>strings, as they are, with {@code % * ? [ ] { } \ ( ) , #}, whitespace and control characters
 *       percent-encoded ({@code %2A}); so no user text can pick a Redis Cluster slot, widen a glob
 *       pattern, or look like a composite key; an empty string inside a record or list is {@code %} (so
 *       {@code [""]} is not {@code []}); a string with an unpaired surrogate is refused (it has no UTF-8 form:
 *       {@code "x\uD800"} and {@code "x\uDC00"} would both be stored as {@code x?});</li>
 *   <li>integers, {@link BigInteger}, {@link BigDecimal}, floating point, booleans, characters, UUIDs and
 *       {@code java.time} values: their {@code toString()} (a string {@code "42"} and a number {@code 42}
 *       name the same entry); enums: their {@code name()};</li>
 *   <li>records: {@code binary.class.Name(c1,c2,...)} ({@link Class#getName()}, so two records of the same
 *       simple name in different classes or packages never share an entry); lists: {@code [e1,e2,...]},
 *       recursively;</li>
 *   <li>a {@link CacheKey}: its {@code cacheKey()}, escaped like a string;</li>
 *   <li>any other type that overrides {@code toString()}: that string, escaped (it must be stable).</li>
 * </ul>
 * A formatted key longer than {@code maxLength} is replaced by {@code #} and the base64url SHA-256 of the
 * formatted key; {@code #} is escaped in every other key, so a hashed key never equals a plain one.
 * Arrays, sets, maps and objects without their own {@code toString()} are rejected, and so is a key whose whole
 * form is empty ({@code ""}, or a {@code CacheKey} or {@code toString()} returning it).
 */
public final class KeyFormatter {

    /** Default cap on a formatted key before it is hashed. */
    public static final int DEFAULT_MAX_LENGTH = 200;

    private static final ClassValue<Method[]> RECORD_ACCESSORS = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Method[] accessors = new Method[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
            }
            return accessors;
        }
    };

    private final int maxLength;

    public KeyFormatter(int maxLength) {
        if (maxLength < 48) {
            throw new IllegalArgumentException("maximum key length must be at least 48, got " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /**
     * The stable string of {@code key}.
     *
     * @throws NullPointerException     if {@code key} (or a component of it) is null
     * @throws IllegalArgumentException if the key's type has no stable string form
     */
    public String format(Object key) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        // the common ids, without the builder and its copy: their toString(), as append writes them (at most 20
        // characters, never over maxLength, which is at least 48)
        if (key instanceof Long l) {
            return Long.toString(l);
        }
        if (key instanceof Integer i) {
            return Integer.toString(i);
        }
        StringBuilder out = new StringBuilder(32);
        append(out, key, 0);
        if (out.length() == 1 && out.charAt(0) == '%') {
            throw new IllegalArgumentException("a cache key must not be the empty string (" + key.getClass().getName() + ")");
        }
        if (out.length() <= maxLength) {
            return out.toString();
        }
        return "#" + sha256(out.toString());
    }

    private void append(StringBuilder out, Object key, int depth) {
        if (depth > 16) {
            throw new IllegalArgumentException("key is nested deeper than 16 levels");
        }
        if (key == null) {
            throw new NullPointerException("key component");
        }
        if (key instanceof CharSequence text) {
            escape(out, text);
        } else if (key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte
                || key instanceof BigInteger || key instanceof Boolean || key instanceof UUID
                || key instanceof Double || key instanceof Float) {
            out.append(key);
        } else if (key instanceof BigDecimal decimal) {
            out.append(decimal.toPlainString());
        } else if (key instanceof Character c) {
            escape(out, String.valueOf(c));
        } else if (key instanceof Enum<?> e) {
            escape(out, e.name());
        } else if (key instanceof TemporalAccessor || key instanceof TemporalAmount) {
            escape(out, key.toString());
        } else if (key instanceof CacheKey custom) {
            String s = custom.cacheKey();
            if (s == null) {
                throw new NullPointerException(key.getClass().getName() + ".cacheKey() returned null");
            }
            escape(out, s);
        } else if (key instanceof Record) {
            Class<?> type = key.getClass();
            escape(out, type.getName());
            out.append('(');
            Method[] accessors = RECORD_ACCESSORS.get(type);
            for (int i = 0; i < accessors.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                append(out, read(accessors[i], key), depth + 1);
            }
            out.append(')');
        } else if (key instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                append(out, list.get(i), depth + 1);
            }
            out.append(']');
        } else if (key.getClass().isArray()) {
            throw new IllegalArgumentException("an array cannot be a cache key (its equals is identity); use List.of(...) or a record");
        } else if (key instanceof java.util.Collection<?> || key instanceof java.util.Map<?, ?>) {
            throw new IllegalArgumentException("a " + key.getClass().getName() + " cannot be a cache key (no stable order); use a List or a record");
        } else if (overridesToString(key.getClass())) {
            escape(out, key.toString());
        } else {
            throw new IllegalArgumentException("key type " + key.getClass().getName()
                    + " has no stable string form: use a String, number, UUID, enum, record or List, implement CacheKey, or override toString()");
        }
    }

    private static Object read(Method accessor, Object record) {
        try {
            return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot read component " + accessor.getName() + " of key " + record.getClass().getName(), e);
        }
    }

    private static boolean overridesToString(Class<?> type) {
        try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static void escape(StringBuilder out, CharSequence text) {
        if (text.length() == 0) {
            // never produced otherwise: a literal % is %25
            out.append('%');
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                checkPaired(text, i, "a cache key");
                out.append(c).append(text.charAt(++i));
                continue;
            }
            switch (c) {
                case '%', '*', '?', '[', ']', '{', '}', '\\', '(', ')', ',', '#' -> percent(out, c);
                default -> {
                    if (c <= ' ' || c == 0x7f) {
                        percent(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    /**
     * Checks that the surrogate at {@code i} is the high half of a pair (the caller then takes both chars).
     *
     * @throws IllegalArgumentException naming {@code what}, the code unit and its index otherwise
     */
    static void checkPaired(CharSequence text, int i, String what) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            return;
        }
        throw new IllegalArgumentException(what + " must be valid Unicode text: unpaired surrogate U+"
                + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i
                + " (it has no UTF-8 form, so two different keys would be stored as one)");
    }

    private static void percent(StringBuilder out, char c) {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
