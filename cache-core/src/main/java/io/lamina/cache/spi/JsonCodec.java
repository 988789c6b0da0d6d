package io.lamina.cache.spi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The default {@link Codec}: Jackson JSON, decoding only into the caller's declared type.
 *
 * <p>Default typing is never enabled and no class name is written into the bytes. Before decoding, the
 * byte length is checked against {@code maxBytes}; while decoding, Jackson's stream constraints bound the
 * nesting depth and string lengths. {@code java.time} and {@code Optional} are supported, and so are
 * immutable classes read through an all-args constructor when compiled with {@code -parameters} (parameter
 * names module). Unknown properties fail decoding by default, so bytes written by an older shape of a class are
 * a miss (and are repaired by the next load) rather than a half-filled object.
 *
 * <p><b>An application's mapper.</b> {@link Builder#objectMapper} builds the codec from a copy of the
 * application's {@code ObjectMapper} (its modules, naming strategy, mix-ins, date formats ...); the copy then
 * gets Lamina's rules whatever the application set: default typing off, the byte, depth, string and number
 * limits, unknown properties, trailing tokens and duplicate keys failing, and the {@code java.time},
 * {@code Optional} and parameter-names modules when it lacks them. The application's mapper is not changed.
 *
 * <p><b>Class names in the bytes.</b> A type whose own annotations ask for class names ({@code @JsonTypeInfo(use =
 * Id.CLASS)} or {@code Id.MINIMAL_CLASS}) would let whoever writes to Redis name the class to instantiate. The
 * codec's {@code PolymorphicTypeValidator} denies every such class unless the builder allowed it
 * ({@link Builder#allowSubtypesOf}, {@link Builder#allowPackage}); a denied class is never loaded or constructed,
 * and the entry is a miss; a class is judged by its name before Jackson loads it, so a denied class is not even
 * initialized. Generic and array class ids are always denied. {@code Id.NAME} with {@code @JsonSubTypes} needs nothing allowed: only the listed
 * subtypes can be named. An application mapper's validator, and its default typing, are never inherited.
 *
 * <p><b>Types that cannot round-trip.</b> The first value of each declared type (and value class) that is
 * encoded is also decoded back; a type whose bytes this codec cannot read (no creator Jackson can use, an
 * interface-typed property ...) fails that encode and every later one with a {@link CodecException} naming the
 * type, and one ERROR line is logged for it, so nothing unreadable is stored and the problem is not only a
 * miss counted on every other node. A type Jackson cannot write at all (no properties) fails the same way.
 *
 * <p><b>Shape fingerprints.</b> {@link #fingerprint} describes the JSON a type is written as (property names and
 * their types, recursively; see docs/concepts.md, "The envelope") and hashes it; it is computed once per type and
 * cached. A node whose class has another shape than the writer's treats the entry as a miss and reloads it, so
 * an added field is never read as null and a removed one never as its default during a rolling deploy.
 * Thread-safe.
 */
public final class JsonCodec implements Codec {

    /** Default cap on stored bytes: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;
    /** Default cap on JSON nesting depth. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private static final System.Logger LOG = System.getLogger("io.lamina.cache");

    private final ObjectMapper mapper;
    private final int maxBytes;
    private final ConcurrentMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();
    private final ConcurrentMap<Type, ObjectWriter> writers = new ConcurrentHashMap<>();
    /** Declared type (and value class, when another) whose first value was read back fine. */
    private final Set<Object> roundTrips = ConcurrentHashMap.newKeySet();
    /** Declared type (and value class) whose values cannot be read back: the failure every encode of it throws. */
    private final ConcurrentMap<Object, String> unreadable = new ConcurrentHashMap<>();
    /** Types already reported in an ERROR line. */
    private final Set<Object> reported = ConcurrentHashMap.newKeySet();
    private final JsonShape shapes;
    private final ConcurrentMap<Type, Long> fingerprints = new ConcurrentHashMap<>();

    private JsonCodec(Builder b) {
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(b.maxDepth)
                .maxStringLength(b.maxBytes)
                .maxNumberLength(1000)
                .build();
        ObjectMapper m;
        if (b.objectMapper == null) {
            m = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(limits).build())
                    .addModule(new JavaTimeModule())
                    .addModule(new Jdk8Module())
                    .addModule(new ParameterNamesModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .build();
        } else {
            m = b.objectMapper.copy();
            m.getFactory().setStreamReadConstraints(limits);
            m.deactivateDefaultTyping();
            Set<Object> registered = m.getRegisteredModuleIds();
            for (com.fasterxml.jackson.databind.Module module : List.of(new JavaTimeModule(), new Jdk8Module(), new ParameterNamesModule())) {
                if (!registered.contains(module.getTypeId())) {
                    m.registerModule(module);
                }
            }
        }
        // a value Jackson would write as {} (a lambda, an object without properties) cannot be read back: refuse to
        // write it, whatever the application's mapper allows; both only cost when a serializer is first built
        m.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        m.registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("lamina-unstorable") {
            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.addSerializers(new Unstorable());
            }
        });
        // replaces whatever validator an application mapper carried: deny-by-default, whatever was allowed there
        m.setPolymorphicTypeValidator(b.typeValidator());
        m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, b.failOnUnknownProperties);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.mapper = m;
        this.maxBytes = b.maxBytes;
        this.shapes = new JsonShape(m);
    }

    /** The codec with default limits. */
    public static JsonCodec create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Most bytes this codec encodes or decodes. */
    public int maxBytes() {
        return maxBytes;
    }

    /**
     * {@inheritDoc}
     *
     * @throws CodecException also when values of {@code type} cannot be read back by this codec (checked on the
     *         first value of each type), naming the type
     */
    @Override
    public byte[] encode(Object value, Type type) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(type, "type");
        Object checked = value.getClass() == type ? type : List.of(type, value.getClass());
        String known = unreadable.get(checked);
        if (known != null) {
            throw new CodecException(known);
        }
        byte[] bytes;
        try {
            bytes = writers.computeIfAbsent(type, t -> mapper.writerFor(mapper.constructType(t))).writeValueAsBytes(value);
        } catch (JsonProcessingException | RuntimeException e) {
            String message = "cannot encode " + value.getClass().getName() + " as JSON of " + type.getTypeName() + ": " + e.getMessage();
            report(checked, message);
            throw new CodecException(message, e);
        }
        if (bytes.length > maxBytes) {
            throw new CodecException("encoded value of " + bytes.length + " bytes is over the codec's maxBytes " + maxBytes);
        }
        if (!roundTrips.contains(checked)) {
            readBack(bytes, type, value, checked);
        }
        return bytes;
    }

    /** Decodes the first encoded value of a type; a failure makes the type unreadable for good. */
    private void readBack(byte[] bytes, Type type, Object value, Object checked) {
        try {
            decode(bytes, type);
            roundTrips.add(checked);
        } catch (CodecException e) {
            String message = "values of " + type.getTypeName() + (checked instanceof List ? " (a " + value.getClass().getName() + ")" : "")
                    + " cannot be read back by this codec, so none is stored in the remote tier: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + (deniedClassName(e)
                            ? " (a class named in the JSON is not allowed: allow it with JsonCodec.Builder.allowSubtypesOf or allowPackage)"
                            : " (give the type a creator Jackson can use: a record, a no-args constructor with setters, @JsonCreator,"
                                    + " or an all-args constructor compiled with -parameters)");
            unreadable.put(checked, message);
            report(checked, message);
            throw new CodecException(message, e);
        }
    }

    private static boolean deniedClassName(CodecException e) {
        return e.getCause() instanceof com.fasterxml.jackson.databind.exc.InvalidTypeIdException
                || e.getCause() instanceof com.fasterxml.jackson.databind.exc.InvalidDefinitionException d
                        && String.valueOf(d.getMessage()).contains("PolymorphicTypeValidator");
    }

    private void report(Object checked, String message) {
        if (reported.add(checked)) {
            LOG.log(System.Logger.Level.ERROR, "Lamina cache codec: " + message);
        }
    }

    @Override
    public Object decode(byte[] bytes, Type type) {
        Objects.requireNonNull(bytes, "bytes");
        return decode(bytes, 0, bytes.length, type);
    }

    @Override
    public Object decode(byte[] bytes, int offset, int length, Type type) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length > maxBytes) {
            throw new CodecException("stored value of " + length + " bytes is over the codec's maxBytes " + maxBytes);
        }
        try {
            Object value = readers.computeIfAbsent(type, t -> {
                JavaType javaType = mapper.constructType(t);
                return mapper.readerFor(javaType);
            }).readValue(bytes, offset, length);
            if (value == null) {
                throw new CodecException("stored JSON is null, not a " + type.getTypeName());
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CodecException c) {
                throw c;
            }
            throw new CodecException("cannot decode " + length + " bytes as " + type.getTypeName() + ": " + withoutValues(e),
                    e instanceof com.fasterxml.jackson.databind.exc.InvalidTypeIdException
                            || e instanceof com.fasterxml.jackson.databind.exc.InvalidDefinitionException ? e : null);
        }
    }

    /**
     * What Jackson found wrong, without the values it quotes: a decode failure is logged, and the stored bytes may hold
     * personal data ("SSN-078-05-1120" not being an int). Where it failed (the property path, or line and column) and
     * why (the kind of failure, the expected type) are kept; the quoted token or value, and Jackson's exception as the
     * cause (its message quotes them too), are not.
     */
    static String withoutValues(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m) {
            return e.getClass().getSimpleName() + ": a value that does not fit "
                    + (m.getTargetType() == null ? "the expected type" : m.getTargetType().getSimpleName())
                    + (m.getPath().isEmpty() ? "" : " at " + m.getPathReference());
        }
        if (e instanceof com.fasterxml.jackson.core.JsonParseException p) {
            var at = p.getLocation();
            return "malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            return e.getClass().getSimpleName() + ": " + j.getOriginalMessage();
        }
        return e.getClass().getSimpleName();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Jackson's view of the type as this codec's mapper writes it: the names of the properties it writes and
     * their types, recursively into nested beans, records, collections, maps and {@code Optional}s, generic type
     * arguments resolved; enums by their constant names; other types Jackson writes as a value ({@code String},
     * numbers, {@code java.time} ...) by class name. Class names of beans and the order of properties are not
     * part of it. 0 for {@code Object}, interfaces and abstract classes (their JSON depends on the runtime class).
     */
    @Override
    public long fingerprint(Type type) {
        Long known = fingerprints.get(type);
        if (known != null) {
            return known;
        }
        long computed;
        try {
            computed = shapes.fingerprint(type);
        } catch (RuntimeException e) {
            computed = 0;
        }
        Long raced = fingerprints.putIfAbsent(type, computed);
        return raced != null ? raced : computed;
    }

    /** The description {@link #fingerprint} hashes (for tests and diagnostics); null when there is none. */
    String shapeOf(Type type) {
        return shapes.describe(type);
    }

    @Override
    public String name() {
        return "json";
    }

    /**
     * Refuses to write lambdas and other hidden classes: Jackson would write them as {@code {}}, which no node can read
     * back as the value. A type whose first value held none passes the read-back check, so this is what stops the
     * later ones (docs/concepts.md, "What can be cached").
     */
    private static final class Unstorable extends com.fasterxml.jackson.databind.ser.Serializers.Base {
        @Override
        public com.fasterxml.jackson.databind.JsonSerializer<?> findSerializer(com.fasterxml.jackson.databind.SerializationConfig config,
                JavaType type, com.fasterxml.jackson.databind.BeanDescription beanDesc) {
            Class<?> raw = type.getRawClass();
            if (!raw.isHidden() && !(raw.isSynthetic() && raw.getName().contains("$$Lambda"))) {
                return null;
            }
            return new com.fasterxml.jackson.databind.ser.std.StdSerializer<Object>(Object.class) {
                @Override
                public void serialize(Object value, com.fasterxml.jackson.core.JsonGenerator gen,
                        com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
                    throw com.fasterxml.jackson.databind.JsonMappingException.from(gen, "a lambda or other hidden class ("
                            + raw.getName() + ") cannot be stored: it would be written as {}, which cannot be read back");
                }
            };
        }
    }

    /** Builds a {@link JsonCodec}. */
    public static final class Builder {
        private int maxBytes = DEFAULT_MAX_BYTES;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private boolean failOnUnknownProperties = true;
        private ObjectMapper objectMapper;
        private final List<Class<?>> allowedBaseTypes = new ArrayList<>();
        private final List<String> allowedPackages = new ArrayList<>();

        private Builder() {
        }

        /**
         * Allows class names in the bytes for properties declared as {@code baseType} (or a subtype of it) that ask
         * for class names ({@code @JsonTypeInfo(use = Id.CLASS)}): any subclass of it may then be named, and is
         * instantiated. Nothing is allowed by default. Allow the narrowest base type you can, one whose subtypes are
         * all yours.
         *
         * @throws NullPointerException if {@code baseType} is null
         * @throws IllegalArgumentException if {@code baseType} is {@code Object} or another type every class (or
         *         most of the JDK) implements, since that would allow any class
         */
        public Builder allowSubtypesOf(Class<?> baseType) {
            Objects.requireNonNull(baseType, "baseType");
            if (baseType == Object.class || baseType == java.io.Serializable.class || baseType == Comparable.class
                    || baseType == Cloneable.class || baseType == AutoCloseable.class || baseType == java.io.Closeable.class
                    || baseType == Runnable.class || baseType == Iterable.class || baseType == java.util.Collection.class
                    || baseType == java.util.Map.class || baseType == CharSequence.class || baseType == Number.class) {
                throw new IllegalArgumentException("allowSubtypesOf(" + baseType.getName()
                        + ") would let bytes in Redis name almost any class: allow a base type of your own");
            }
            allowedBaseTypes.add(baseType);
            return this;
        }

        /**
         * Allows class names in the bytes that are in {@code packageName} or a package below it (for properties
         * that ask for class names, {@code @JsonTypeInfo(use = Id.CLASS)}). Nothing is allowed by default.
         *
         * @param packageName a Java package name such as {@code "com.example.orders"}: at least two parts, not a
         *        package of the JDK ({@code java}, {@code javax}, {@code jdk}, {@code sun}, {@code com.sun})
         * @throws NullPointerException if {@code packageName} is null
         * @throws IllegalArgumentException if {@code packageName} is not such a name
         */
        public Builder allowPackage(String packageName) {
            Objects.requireNonNull(packageName, "packageName");
            if (!PACKAGE.matcher(packageName).matches()) {
                throw new IllegalArgumentException("allowPackage needs a Java package name of at least two parts, such as"
                        + " \"com.example.orders\", got \"" + packageName + "\"");
            }
            for (String jdk : List.of("java.", "javax.", "jdk.", "sun.", "com.sun.")) {
                if ((packageName + ".").startsWith(jdk)) {
                    throw new IllegalArgumentException("allowPackage(\"" + packageName
                            + "\") would allow classes of the JDK: allow a package of your own");
                }
            }
            allowedPackages.add(packageName);
            return this;
        }

        /**
         * Builds the codec from a copy of {@code mapper} (an application's Jackson 2 {@code ObjectMapper}, with its
         * modules and settings), with Lamina's rules applied to the copy (see the class comment). {@code mapper}
         * itself is not changed.
         *
         * @throws NullPointerException if {@code mapper} is null
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.objectMapper = Objects.requireNonNull(mapper, "objectMapper");
            return this;
        }

        /** Most bytes encoded or decoded; larger values are not stored. Must be positive. */
        public Builder maxBytes(int maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** Deepest JSON nesting accepted when decoding. Must be positive. */
        public Builder maxDepth(int maxDepth) {
            if (maxDepth <= 0) {
                throw new IllegalArgumentException("maxDepth must be positive, got " + maxDepth);
            }
            this.maxDepth = maxDepth;
            return this;
        }

        /** Whether a stored property the type no longer has makes decoding fail (a miss). Default true. */
        public Builder failOnUnknownProperties(boolean fail) {
            this.failOnUnknownProperties = fail;
            return this;
        }

        public JsonCodec build() {
            return new JsonCodec(this);
        }

        /** Denies every class named in the bytes except subtypes of the allowed base types and classes of the allowed packages. */
        PolymorphicTypeValidator typeValidator() {
            return new AllowListTypeValidator(allowedBaseTypes, allowedPackages);
        }
    }

    private static final Pattern PACKAGE = Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
            + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)+");
}
