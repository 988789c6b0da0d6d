package io.lamina.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code --serve}: the sample service's REST API and Actuator endpoints, over real HTTP, H2 and Redis. */
@Timeout(60)
class ServeModeTest {

    private static ConfigurableApplicationContext service;
    private static String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        service = ServeMode.start(List.of("--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:serve-mode-test;DB_CLOSE_DELAY=-1",
                "--lamina.cache.namespace=serve-mode-test-" + System.nanoTime()));
        base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void products_areReadCachedAndUpdated() throws Exception {
        assertThat(get("/products/5").body()).contains("\"name\":\"product 5\"");
        long queries = productQueries();
        assertThat(get("/products/5").statusCode()).isEqualTo(200);
        assertThat(productQueries()).as("a cached read sends no query").isEqualTo(queries);
        assertThat(get("/products/999999").statusCode()).isEqualTo(404);

        assertThat(get("/categories/6/products").body()).contains("\"name\":\"product 5\"");
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(base + "/products/5"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"categoryId\":6,\"name\":\"teapot\",\"priceCents\":999}")));
        assertThat(put.statusCode()).isEqualTo(204);
        assertThat(get("/products/5").body()).contains("\"name\":\"teapot\"");
        assertThat(get("/categories/6/products").body()).as("the category's list was invalidated by its tag")
                .contains("\"name\":\"teapot\"");
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/categories/6/invalidate"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(204);
        assertThat(get("/products/5/stock").body()).contains("\"quantity\"");
    }

    @Test
    void actuator_exposesHealthAndPrometheus() throws Exception {
        get("/products/1");
        assertThat(get("/actuator/health").body()).contains("\"status\":\"UP\"");
        String prometheus = get("/actuator/prometheus").body();
        assertThat(prometheus).contains("demo_db_queries{kind=\"product\"}").contains("cache_gets_total{cache=\"products\"");
    }

    @Test
    void laminaEndpoint_listsTheCaches_andInvalidatesOneOnDelete() throws Exception {
        get("/products/7");
        String all = get("/actuator/lamina").body();
        assertThat(all).contains("\"namespace\":\"serve-mode-test-").contains("\"breakerState\":\"CLOSED\"")
                .contains("\"products\":{\"name\":\"products\"").contains("\"ttl\":\"PT30M\"").contains("\"l2HitRatio\"");
        assertThat(get("/actuator/lamina/stock").body()).contains("\"ttl\":\"PT2S\"").contains("\"refreshAhead\":0.5");
        assertThat(get("/actuator/lamina/no-such-cache").statusCode()).isEqualTo(404);

        long queries = productQueries();
        assertThat(get("/products/7").statusCode()).isEqualTo(200);
        assertThat(productQueries()).as("cached").isEqualTo(queries);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/actuator/lamina/products")).DELETE()).statusCode())
                .isIn(200, 204);
        assertThat(get("/products/7").statusCode()).isEqualTo(200);
        assertThat(productQueries()).as("the whole cache was invalidated").isEqualTo(queries + 1);
    }

    private long productQueries() throws Exception {
        Matcher m = Pattern.compile("\"product\":(\\d+)").matcher(get("/demo/stats").body());
        assertThat(m.find()).as("/demo/stats counts product queries").isTrue();
        return Long.parseLong(m.group(1));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
