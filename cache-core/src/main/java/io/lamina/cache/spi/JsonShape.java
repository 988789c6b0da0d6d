package io.lamina.cache.spi;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.util.ClassUtil;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * {@link JsonCodec#fingerprint}: Jackson's view of the JSON a declared type is written as, described as text and
 * hashed. The description is independent of class names, property order, class loaders and JVMs, so the same
 * shape gives the same fingerprint everywhere:
 *
 * <ul>
 *   <li>a bean or record: its properties as the mapper writes them (names after naming strategies and
 *       {@code @JsonProperty}, {@code @JsonIgnore}d ones left out), sorted by name, each with its type's description;</li>
 *   <li>arrays and collections: {@code [} and the element type; maps: {@code {key:value}}; {@code Optional} and other
 *       reference types: {@code ?} and the content type; {@code byte[]}: {@code bytes};</li>
 *   <li>enums: their constant names, sorted; primitives as their wrappers ({@code int} and {@code Integer} are the
 *       same JSON number);</li>
 *   <li>any other type Jackson writes with a serializer of its own ({@code String}, numbers, {@code java.time},
 *       {@code UUID}, {@code @JsonValue} types, custom serializers): its class name;</li>
 *   <li>{@code Object}, interfaces and abstract classes inside a type: {@code any} or their class name, not their
 *       properties (the JSON depends on the runtime class).</li>
 * </ul>
 *
 * Generic type arguments are resolved by Jackson ({@code Box<Product>} describes {@code Product}'s properties).
 * A type met again inside itself is a back reference ({@code ^n}: n levels up), and nesting deeper than
 * {@link #MAX_DEPTH} or past {@link #MAX_NODES} described types is cut off, so every type has a finite description.
 * A top-level type with no fixed shape ({@code Object}, an interface or an abstract class that is not a
 * collection or map) has none: fingerprint 0, not checked.
 */
final class JsonShape {

    /** Deepest nesting described; deeper types are cut off. */
    static final int MAX_DEPTH = 16;
    /** Most types described per top-level type. */
    static final int MAX_NODES = 4096;
    /** The description's format: change it when the description changes, so old and new never collide. */
    private static final String FORMAT = "json-shape-1:";

    private final ObjectMapper mapper;

    JsonShape(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The fingerprint of {@code type}; 0 when it has no fixed shape or cannot be described. */
    long fingerprint(Type type) {
        String description = describe(type);
        return description == null ? 0 : hash(description);
    }

    /** The text the fingerprint hashes; null for a type without a fixed shape. */
    String describe(Type type) {
        JavaType t;
        try {
            t = mapper.constructType(type);
        } catch (RuntimeException e) {
            return null;
        }
        if (t.isJavaLangObject() || (t.isAbstract() && !t.isContainerType() && !t.isReferenceType() && !t.isArrayType())) {
            return null;
        }
        StringBuilder out = new StringBuilder(FORMAT);
        new Walk(mapper.getSerializerProviderInstance(), out).type(t, 0);
        return out.toString();
    }

    private static long hash(String description) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(description.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (digest[i] & 0xff);
        }
        return h == 0 ? 1 : h;   // 0 means "no fingerprint"
    }

    /** One description in the making: the beans on the way down (for back references) and the nodes spent. */
    private static final class Walk {
        private final SerializerProvider serializers;
        private final StringBuilder out;
        private final List<JavaType> path = new ArrayList<>();
        private int nodes;

        Walk(SerializerProvider serializers, StringBuilder out) {
            this.serializers = serializers;
            this.out = out;
        }

        void type(JavaType t, int depth) {
            if (depth > MAX_DEPTH || ++nodes > MAX_NODES) {
                out.append('…');
                return;
            }
            Class<?> raw = t.getRawClass();
            if (t.isJavaLangObject()) {
                out.append("any");
            } else if (raw == byte[].class) {
                out.append("bytes");
            } else if (raw == char[].class) {
                out.append("java.lang.String");
            } else if (t.isArrayType() || t.isCollectionLikeType()) {
                out.append('[');
                type(t.getContentType(), depth + 1);
                out.append(']');
            } else if (t.isMapLikeType()) {
                out.append('{');
                type(t.getKeyType(), depth + 1);
                out.append(':');
                type(t.getContentType(), depth + 1);
                out.append('}');
            } else if (t.isReferenceType()) {
                out.append('?');
                type(t.getContentType(), depth + 1);
            } else if (t.isEnumType()) {
                Object[] constants = raw.isEnum() ? raw.getEnumConstants() : raw.getSuperclass().getEnumConstants();
                String[] names = new String[constants == null ? 0 : constants.length];
                for (int i = 0; i < names.length; i++) {
                    names[i] = ((Enum<?>) constants[i]).name();
                }
                Arrays.sort(names);
                out.append("enum").append(Arrays.toString(names));
            } else if (t.isPrimitive()) {
                out.append(ClassUtil.wrapperType(raw).getName());
            } else if (t.isAbstract()) {
                out.append('~').append(raw.getName());
            } else {
                bean(t, depth);
            }
        }

        private void bean(JavaType t, int depth) {
            int seen = path.lastIndexOf(t);
            if (seen >= 0) {
                out.append('^').append(path.size() - seen);
                return;
            }
            JsonSerializer<Object> serializer;
            try {
                serializer = serializers.findValueSerializer(t);
            } catch (Exception e) {
                serializer = null;
            }
            if (!(serializer instanceof BeanSerializerBase bean)) {
                out.append(t.getRawClass().getName());
                return;
            }
            TreeMap<String, JavaType> properties = new TreeMap<>();
            for (Iterator<PropertyWriter> it = bean.properties(); it.hasNext(); ) {
                PropertyWriter p = it.next();
                properties.put(p.getName(), p.getType());
            }
            path.add(t);
            out.append('(');
            boolean first = true;
            for (var p : properties.entrySet()) {
                out.append(first ? "" : ",").append('"').append(p.getKey().replace("\\", "\\\\").replace("\"", "\\\"")).append("\":");
                first = false;
                type(p.getValue(), depth + 1);
            }
            out.append(')');
            path.remove(path.size() - 1);
        }
    }
}
