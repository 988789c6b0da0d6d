package io.lamina.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.lamina.cache.TypeRef;
import java.io.Serializable;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link JsonCodec#fingerprint}: one value per shape of the JSON a type is written as, stable across calls,
 * codecs and equal {@code Type}s, and another one when a property is added, removed, renamed or retyped anywhere
 * inside the type.
 */
@Timeout(30)
class JsonCodecFingerprintTest {

    // two versions of a price, and shapes around them (class names differ; the JSON shape is what counts)
    record Price(String sku, long cents) {
    }

    record PriceSameShape(String sku, long cents) {
    }

    record PriceWithCurrency(String sku, long cents, String currency) {
    }

    record PriceWithoutCents(String sku) {
    }

    record PriceCentsAsString(String sku, String cents) {
    }

    record PriceRenamed(String sku, long amount) {
    }

    record PriceBoxed(String sku, Long cents) {
    }

    record PriceReordered(long cents, String sku) {
    }

    record Line(String sku, int quantity) {
    }

    record LineWithNote(String sku, int quantity, String note) {
    }

    record Order(String id, List<Line> lines, Map<String, Line> byId, Optional<Line> first, Instant at) {
    }

    record OrderOfNotedLines(String id, List<LineWithNote> lines, Map<String, LineWithNote> byId, Optional<LineWithNote> first,
            Instant at) {
    }

    record Node(String name, List<Node> children) {
    }

    record Box<T>(T content) {
    }

    enum Color { RED, GREEN }

    record Paint(Color color) {
    }

    record Ignoring(String sku, @JsonIgnore String secret) {
    }

    record Named(@JsonProperty("sku_code") String sku) {
    }

    record WithBigDecimal(BigDecimal amount) {
    }

    record WithDouble(double amount) {
    }

    private final JsonCodec codec = JsonCodec.create();

    private long fp(Type type) {
        return codec.fingerprint(type);
    }

    @Test
    void fingerprint_isStableAcrossCallsAndCodecs_andNotZero() {
        long first = fp(Price.class);
        assertThat(first).isNotZero();
        assertThat(fp(Price.class)).isEqualTo(first);
        assertThat(JsonCodec.create().fingerprint(Price.class)).isEqualTo(first);
        assertThat(JsonCodec.builder().maxBytes(1000).failOnUnknownProperties(false).build().fingerprint(Price.class)).isEqualTo(first);
    }

    @Test
    void aValueOfTheSameShape_hasTheSameFingerprint_whateverTheClassNameOrPropertyOrder() {
        assertThat(fp(PriceSameShape.class)).isEqualTo(fp(Price.class));
        assertThat(fp(PriceReordered.class)).isEqualTo(fp(Price.class));
        // int and Integer, long and Long: the same JSON number
        assertThat(fp(PriceBoxed.class)).isEqualTo(fp(Price.class));
    }

    @Test
    void aPropertyAdded_removed_renamed_orRetyped_changesTheFingerprint() {
        long price = fp(Price.class);
        assertThat(fp(PriceWithCurrency.class)).isNotEqualTo(price);
        assertThat(fp(PriceWithoutCents.class)).isNotEqualTo(price);
        assertThat(fp(PriceRenamed.class)).isNotEqualTo(price);
        assertThat(fp(PriceCentsAsString.class)).isNotEqualTo(price);
        assertThat(fp(WithBigDecimal.class)).isNotEqualTo(fp(WithDouble.class));
    }

    @Test
    void aChangeInsideANestedType_reachesTheOuterFingerprint() {
        // through a list, a map value and an Optional at once
        assertThat(fp(OrderOfNotedLines.class)).isNotEqualTo(fp(Order.class));
        assertThat(codec.shapeOf(Order.class)).contains("\"lines\":[(\"quantity\":java.lang.Integer,\"sku\":java.lang.String)]")
                .contains("\"byId\":{java.lang.String:(").contains("\"first\":?(").contains("\"at\":java.time.Instant");
    }

    @Test
    void genericTypes_declaredThroughTwoTypeRefs_haveOneFingerprint_andTheirArgumentsCount() {
        Type written = new TypeRef<List<Price>>() { }.type();
        Type read = new TypeRef<List<Price>>() { }.type();
        assertThat(written).isNotSameAs(read);
        assertThat(fp(written)).isNotZero().isEqualTo(fp(read));
        assertThat(fp(new TypeRef<List<PriceWithCurrency>>() { }.type())).isNotEqualTo(fp(written));
        assertThat(fp(new TypeRef<Set<Price>>() { }.type())).isEqualTo(fp(written));   // both a JSON array
        assertThat(fp(new TypeRef<Map<String, Price>>() { }.type())).isNotEqualTo(fp(written));
        assertThat(fp(new TypeRef<Box<Price>>() { }.type())).isNotEqualTo(fp(new TypeRef<Box<PriceWithCurrency>>() { }.type()));
        assertThat(codec.shapeOf(new TypeRef<Box<Price>>() { }.type())).contains("\"content\":(\"cents\":java.lang.Long");
    }

    @Test
    void aValueClassWithoutTypeParameters_hasTheFingerprintOfItsDeclaredType() {
        // what put() stores (the value's class) is what remember() of the same class reads
        Price p = new Price("a", 1);
        assertThat(fp(p.getClass())).isEqualTo(fp(Price.class));
    }

    @Test
    void enums_areTheirConstantNames() {
        assertThat(codec.shapeOf(Paint.class)).contains("enum[GREEN, RED]");
    }

    @Test
    void ignoredAndRenamedProperties_followJacksonsView() {
        assertThat(codec.shapeOf(Ignoring.class)).contains("\"sku\"").doesNotContain("secret");
        assertThat(codec.shapeOf(Named.class)).contains("\"sku_code\"");
        ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        record Camel(String skuCode) {
        }
        assertThat(JsonCodec.builder().objectMapper(snake).build().fingerprint(Camel.class)).isEqualTo(fp(Named.class));
    }

    @Test
    void aRecursiveType_endsInABackReference() {
        String shape = codec.shapeOf(Node.class);
        assertThat(shape).contains("\"children\":[^1]");
        assertThat(fp(Node.class)).isNotZero().isEqualTo(JsonCodec.create().fingerprint(Node.class));
    }

    @Test
    void aVeryDeepType_isCutOff() {
        Type nested = new TypeRef<List<List<List<List<List<List<List<List<List<List<List<List<List<List<List<List<List<List<Price>>>>>>>>>>>>>>>>>>>() { }.type();
        assertThat(codec.shapeOf(nested)).endsWith("]]]").contains("…");
        assertThat(fp(nested)).isNotZero();
    }

    @Test
    void typesWithoutAFixedShape_haveNone() {
        assertThat(fp(Object.class)).isZero();
        assertThat(fp(Serializable.class)).isZero();
        assertThat(fp(Number.class)).isZero();
        // a collection of them does: an array of anything
        assertThat(fp(new TypeRef<List<Object>>() { }.type())).isNotZero();
        assertThat(fp(ArrayList.class)).isEqualTo(fp(new TypeRef<List<Object>>() { }.type()));
    }

    @Test
    void aCustomCodec_withoutFingerprints_keepsCompiling_andReturnsZero() {
        Codec custom = new Codec() {
            @Override
            public byte[] encode(Object value, Type type) {
                return new byte[0];
            }

            @Override
            public Object decode(byte[] bytes, Type type) {
                return null;
            }

            @Override
            public String name() {
                return "custom";
            }
        };
        assertThat(custom.fingerprint(Price.class)).isZero();
    }

    @Test
    void concurrentFirstCalls_agree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        JsonCodec fresh = JsonCodec.create();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(pool.submit(() -> {
                    start.await();
                    seen.add(fresh.fingerprint(Order.class));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : all) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).containsExactly(fp(Order.class));
    }
}
