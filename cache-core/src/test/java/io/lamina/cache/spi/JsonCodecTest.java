package io.lamina.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.TypeRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    record Product(long id, String name, Instant created, Optional<String> note) {
    }

    private final JsonCodec codec = JsonCodec.create();

    @Test
    void roundTrips_recordsAndGenericTypes() {
        Product p = new Product(1, "a", Instant.parse("2026-01-01T00:00:00Z"), Optional.of("n"));
        assertThat(codec.decode(codec.encode(p, Product.class), Product.class)).isEqualTo(p);

        TypeRef<List<Product>> list = new TypeRef<>() { };
        assertThat(codec.decode(codec.encode(List.of(p, p), list.type()), list.type())).isEqualTo(List.of(p, p));

        TypeRef<Map<String, Integer>> map = new TypeRef<>() { };
        assertThat(codec.decode(codec.encode(Map.of("a", 1), map.type()), map.type())).isEqualTo(Map.of("a", 1));
    }

    @Test
    void storedBytes_holdNoClassNames() {
        String json = new String(codec.encode(new Product(1, "a", Instant.EPOCH, Optional.empty()), Product.class), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("io.lamina").doesNotContain("@class").doesNotContain("Product");
    }

    @Test
    void decode_usesOnlyTheCallersType_evenIfTheBytesNameAClass() {
        byte[] hostile = "[\"java.net.URL\",\"http://example.invalid\"]".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(hostile, Product.class)).isInstanceOf(CodecException.class);
        Object asList = codec.decode(hostile, List.class);
        assertThat(asList).isEqualTo(List.of("java.net.URL", "http://example.invalid"));
    }

    @Test
    void corruptBytes_andMismatchedShapes_areCodecExceptions() {
        assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xff, 0x00, 0x13}, Product.class)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> codec.decode("{\"id\":1,\"unknown\":2}".getBytes(StandardCharsets.UTF_8), Product.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("unknown");
        assertThatThrownBy(() -> codec.decode("{\"id\":1} trailing".getBytes(StandardCharsets.UTF_8), Product.class))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> codec.decode("null".getBytes(StandardCharsets.UTF_8), Product.class))
                .isInstanceOf(CodecException.class);
    }

    @Test
    void sizeLimit_isCheckedBeforeDecoding_andOnEncoding() {
        JsonCodec small = JsonCodec.builder().maxBytes(16).build();
        assertThatThrownBy(() -> small.decode(new byte[17], Product.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("maxBytes 16");
        assertThatThrownBy(() -> small.encode("x".repeat(100), String.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("maxBytes 16");
    }

    @Test
    void nestingLimit_isEnforced() {
        JsonCodec shallow = JsonCodec.builder().maxDepth(10).build();
        String deep = "[".repeat(50) + "]".repeat(50);
        assertThatThrownBy(() -> shallow.decode(deep.getBytes(StandardCharsets.UTF_8), Object.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("depth");
    }

    @Test
    void lenientMode_ignoresUnknownProperties() {
        JsonCodec lenient = JsonCodec.builder().failOnUnknownProperties(false).build();
        Product p = (Product) lenient.decode("{\"id\":1,\"name\":\"a\",\"extra\":true}".getBytes(StandardCharsets.UTF_8), Product.class);
        assertThat(p.id()).isEqualTo(1);
    }

    @Test
    void badLimits_areRejected() {
        assertThatThrownBy(() -> JsonCodec.builder().maxBytes(0)).hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> JsonCodec.builder().maxDepth(-1)).hasMessageContaining("maxDepth");
    }
}
