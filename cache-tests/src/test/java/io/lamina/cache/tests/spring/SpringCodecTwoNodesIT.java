package io.lamina.cache.tests.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.lamina.cache.spring.Cached;
import io.lamina.cache.tests.redis.RedisNamespace;
import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisTest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Values only the application's Jackson configuration can read, two Boot contexts as two nodes on real Redis: with
 * the application's ObjectMapper bean they are stored and read back on the other node; without it they are never
 * stored, and the first one says so in an ERROR line naming the type. An immutable class with an all-args
 * constructor round-trips with Lamina's own mapper too.
 */
@RedisTest
@Timeout(60)
class SpringCodecTwoNodesIT {

    /** An interface the application's mapper maps to its one implementation. */
    public interface Shape {
        double area();
    }

    public record Square(double side) implements Shape {
        @Override
        public double area() {
            return side * side;
        }
    }

    public record Drawing(long id, Shape shape) {
    }

    /** Immutable: final fields, one all-args constructor, getters; read through parameter names. */
    public static final class Price {
        private final String sku;
        private final BigDecimal amount;

        public Price(String sku, BigDecimal amount) {
            this.sku = sku;
            this.amount = amount;
        }

        public String getSku() {
            return sku;
        }

        public BigDecimal getAmount() {
            return amount;
        }
    }

    static final AtomicInteger QUERIES = new AtomicInteger();

    public static class Drawings {
        @Cached(cache = "drawings", key = "#id")
        public Drawing find(long id) {
            QUERIES.incrementAndGet();
            return new Drawing(id, new Square(2));
        }

        @Cached(cache = "prices", key = "#sku")
        public Price price(String sku) {
            QUERIES.incrementAndGet();
            return new Price(sku, new BigDecimal("29.90"));
        }
    }

    /** Not a @Configuration, so that the component scan of the other Spring tests in this package skips it. */
    @EnableAutoConfiguration
    static class Node {
        @Bean
        Drawings drawings() {
            return new Drawings();
        }

        @Bean
        ObjectMapper objectMapper() {
            return JsonMapper.builder().addModule(new SimpleModule("shapes").addAbstractTypeMapping(Shape.class, Square.class)).build();
        }
    }

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private RedisServer redis;
    private String namespace;

    @BeforeEach
    void start(RedisServer redis, @RedisNamespace String namespace) {
        QUERIES.set(0);
        this.redis = redis;
        this.namespace = namespace + "-" + System.nanoTime();
    }

    /** After the nodes started: Boot's logging system resets java.util.logging when a context starts. */
    private void captureErrors() {
        Logger.getLogger("io.lamina.cache").addHandler(capture);
    }

    private Drawings node(boolean applicationMapper) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Node.class)
                .web(WebApplicationType.NONE)
                .properties("lamina.cache.namespace=" + namespace, "lamina.cache.redis.url=" + redis.uri(),
                        "lamina.cache.codec.application-object-mapper=" + applicationMapper, "spring.main.banner-mode=off")
                .run();
        contexts.add(context);
        return context.getBean(Drawings.class);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("io.lamina.cache").removeHandler(capture);
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void withTheApplicationsMapper_aValueOnlyItCanRead_isAnL2HitOnTheOtherNode() {
        Drawings node1 = node(true);
        Drawings node2 = node(true);
        captureErrors();
        assertThat(node1.find(1).shape().area()).isEqualTo(4.0);
        assertThat(node2.find(1)).isEqualTo(new Drawing(1, new Square(2)));
        assertThat(QUERIES).hasValue(1);
        assertThat(errors).isEmpty();
    }

    @Test
    void withLaminasOwnMapper_thatValueIsNeverStored_andAnErrorNamesItsType() {
        Drawings node1 = node(false);
        Drawings node2 = node(false);
        captureErrors();
        assertThat(node1.find(1).shape().area()).isEqualTo(4.0);
        assertThat(node1.find(2).shape().area()).isEqualTo(4.0);
        assertThat(node2.find(1).shape().area()).isEqualTo(4.0);
        assertThat(QUERIES).as("nothing was stored in Redis for the other node").hasValue(3);
        assertThat(errors).as("one ERROR line per node, not one per value").hasSize(2)
                .allSatisfy(e -> assertThat(e.getMessage()).contains(Drawing.class.getTypeName()).contains("cannot be read back"));
    }

    @Test
    void anImmutableClassWithAnAllArgsConstructor_isAnL2HitOnTheOtherNode_withLaminasOwnMapper() {
        Drawings node1 = node(false);
        Drawings node2 = node(false);
        assertThat(node1.price("mug").getAmount()).isEqualTo(new BigDecimal("29.90"));
        Price fromL2 = node2.price("mug");
        assertThat(fromL2.getSku()).isEqualTo("mug");
        assertThat(fromL2.getAmount()).isEqualTo(new BigDecimal("29.90"));
        assertThat(QUERIES).hasValue(1);
    }
}
