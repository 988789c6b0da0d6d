package io.lamina.cache.spring;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses a Java type written as in source code, with fully qualified names: {@code com.example.Product},
 * {@code java.util.List<com.example.Product>}, {@code java.util.Map<java.lang.String, java.math.BigDecimal>},
 * {@code byte[]}, nested classes with {@code $} or {@code .}. Wildcards and type variables are refused: a
 * cache's values decode to one concrete type. Used for {@code lamina.cache.cache-manager.types.*}. Thread-safe.
 */
public final class TypeNames {

    private final String text;
    private final ClassLoader loader;
    private int pos;

    private TypeNames(String text, ClassLoader loader) {
        this.text = text;
        this.loader = loader;
    }

    /**
     * The type {@code text} names, its classes loaded through {@code loader}.
     *
     * @throws IllegalArgumentException if the text is not a type, a class is not found, or a class gets the wrong
     *         number of type arguments; the message says which
     * @throws NullPointerException     if an argument is null
     */
    public static Type parse(String text, ClassLoader loader) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(loader, "loader");
        TypeNames parser = new TypeNames(text, loader);
        Type type = parser.type();
        parser.skipSpaces();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected '" + text.charAt(parser.pos) + "'");
        }
        return type;
    }

    private Type type() {
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == '?') {
            throw error("a wildcard has no single type to decode to; name the type");
        }
        String name = name();
        Class<?> raw = load(name);
        Type type = raw;
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == '<') {
            pos++;
            List<Type> arguments = new ArrayList<>();
            do {
                arguments.add(type());
                skipSpaces();
            } while (pos < text.length() && text.charAt(pos) == ',' && ++pos > 0);
            if (pos >= text.length() || text.charAt(pos) != '>') {
                throw error("expected ',' or '>'");
            }
            pos++;
            if (arguments.size() != raw.getTypeParameters().length) {
                throw error(raw.getName() + " takes " + raw.getTypeParameters().length + " type arguments, got " + arguments.size());
            }
            type = new ParameterizedTypeOf(raw, arguments.toArray(Type[]::new));
        } else if (raw.getTypeParameters().length > 0) {
            // a raw generic type: allowed (java.util.List decodes to lists of JSON shapes), but rarely what is meant
            type = raw;
        }
        skipSpaces();
        while (text.startsWith("[]", pos)) {
            if (!(type instanceof Class<?> c)) {
                throw error("arrays of generic types are not supported");
            }
            type = c.arrayType();
            pos += 2;
            skipSpaces();
        }
        return type;
    }

    private String name() {
        int start = pos;
        while (pos < text.length() && (Character.isJavaIdentifierPart(text.charAt(pos)) || text.charAt(pos) == '.')) {
            pos++;
        }
        if (pos == start) {
            throw error(pos < text.length() ? "expected a class name at '" + text.charAt(pos) + "'" : "expected a class name");
        }
        return text.substring(start, pos);
    }

    private Class<?> load(String name) {
        Class<?> primitive = switch (name) {
            case "boolean" -> boolean.class;
            case "byte" -> byte.class;
            case "char" -> char.class;
            case "short" -> short.class;
            case "int" -> int.class;
            case "long" -> long.class;
            case "float" -> float.class;
            case "double" -> double.class;
            default -> null;
        };
        if (primitive != null) {
            return primitive;
        }
        String candidate = name;
        while (true) {
            try {
                return Class.forName(candidate, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    throw error("class " + name + " not found");
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);   // Outer.Inner
            }
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("cannot read the type '" + text + "' (at " + pos + "): " + problem);
    }
}
