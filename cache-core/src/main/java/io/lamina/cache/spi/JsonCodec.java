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
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The default {@link Codec}: Jackson JSON, decoding only into the caller's declared type.
 *
 * <p>Default typing is never enabled and no class name is written into the bytes. Before decoding, the
 * byte length is checked against {@code maxBytes}; while decoding, Jackson's stream constraints bound the
 * nesting depth and string lengths. {@code java.time} and {@code Optional} are supported. Unknown
 * properties fail decoding by default, so bytes written by an older shape of a class are a miss (and are
 * repaired by the next load) rather than a half-filled object. Thread-safe.
 */
public final class JsonCodec implements Codec {

    /** Default cap on stored bytes: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;
    /** Default cap on JSON nesting depth. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private final ObjectMapper mapper;
    private final int maxBytes;
    private final ConcurrentMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();
    private final ConcurrentMap<Type, ObjectWriter> writers = new ConcurrentHashMap<>();

    private JsonCodec(Builder b) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(b.maxDepth)
                        .maxStringLength(b.maxBytes)
                        .maxNumberLength(1000)
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, b.failOnUnknownProperties)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.maxBytes = b.maxBytes;
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

    @Override
    public byte[] encode(Object value, Type type) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(type, "type");
        byte[] bytes;
        try {
            bytes = writers.computeIfAbsent(type, t -> mapper.writerFor(mapper.constructType(t))).writeValueAsBytes(value);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new CodecException("cannot encode " + value.getClass().getName() + " as JSON of " + type.getTypeName() + ": " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw new CodecException("encoded value of " + bytes.length + " bytes is over the codec's maxBytes " + maxBytes);
        }
        return bytes;
    }

    @Override
    public Object decode(byte[] bytes, Type type) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(type, "type");
        if (bytes.length > maxBytes) {
            throw new CodecException("stored value of " + bytes.length + " bytes is over the codec's maxBytes " + maxBytes);
        }
        try {
            Object value = readers.computeIfAbsent(type, t -> {
                JavaType javaType = mapper.constructType(t);
                return mapper.readerFor(javaType);
            }).readValue(bytes);
            if (value == null) {
                throw new CodecException("stored JSON is null, not a " + type.getTypeName());
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CodecException c) {
                throw c;
            }
            throw new CodecException("cannot decode " + bytes.length + " bytes as " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "json";
    }

    /** Builds a {@link JsonCodec}. */
    public static final class Builder {
        private int maxBytes = DEFAULT_MAX_BYTES;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private boolean failOnUnknownProperties = true;

        private Builder() {
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
    }
}
