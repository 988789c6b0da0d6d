package io.lamina.cache.tests.docs.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** docs/getting-started.md: the Boot application. {@code DocSamplesTest} starts it L1-only. */
// region getting-started-boot-application
@SpringBootApplication
public class ShopApplication {
    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
// endregion
