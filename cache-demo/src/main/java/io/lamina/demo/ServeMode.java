package io.lamina.demo;

import io.lamina.cache.tests.redis.RedisServer;
import io.lamina.cache.tests.redis.RedisServers;
import io.lamina.demo.catalog.CatalogApplication;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code --serve}: one node of the sample service on {@code server.port} (8080), with its REST API and the
 * Actuator endpoints health, info, metrics, prometheus and lamina. Redis comes from {@code lamina.cache.redis.url}
 * if given, else the way DESIGN.md says ({@code REDIS_URL}, {@code redis-server} on the PATH, a container, the
 * embedded binary; a started server is stopped when the JVM exits). An empty catalog is filled at startup.
 */
final class ServeMode {

    private ServeMode() {
    }

    /**
     * @param args {@code --key=value} Spring properties ({@code --server.port=0} for a free port)
     * @return the running application; closing it stops the service
     */
    static ConfigurableApplicationContext start(List<String> args) {
        LaunchArgs launch = LaunchArgs.of(args);
        if (launch.get("lamina.cache.redis.url") == null && launch.get("spring.data.redis.url") == null) {
            RedisServer redis = RedisServers.shared();
            launch.set("lamina.cache.redis.url", redis.uri());
            System.out.println("Redis: " + redis.source() + " " + redis.host() + ":" + redis.port());
        }
        launch.set("demo.catalog.seed-if-empty", "true");
        ConfigurableApplicationContext context = SpringApplication.run(CatalogApplication.class, launch.toArray());
        String port = context.getEnvironment().getProperty("local.server.port", "8080");
        System.out.println("Serving on http://localhost:" + port + ": GET /products/1, GET /categories/3/products,"
                + " PUT /products/1, POST /categories/3/invalidate, GET /products/1/stock, GET /demo/stats,"
                + " /actuator/prometheus; Ctrl-C stops");
        return context;
    }
}
