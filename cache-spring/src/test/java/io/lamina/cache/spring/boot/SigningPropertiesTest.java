package io.lamina.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheTemplate;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code lamina.cache.signing.*}: base64 keys of at least 32 bytes; every mistake fails startup naming the property, never the key. */
@Timeout(30)
class SigningPropertiesTest {

    private static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String K2 = Base64.getEncoder().encodeToString("an older key of thirty-two bytes".getBytes());
    private static final String SHORT = Base64.getEncoder().encodeToString("secret-short-key".getBytes());

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LaminaCacheAutoConfiguration.class));

    @Test
    void aKeyAndAcceptedKeys_start() {
        runner.withPropertyValues("lamina.cache.signing.key=" + K1, "lamina.cache.signing.accepted-keys=" + K2)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CacheTemplate.class);
                    LaminaCacheProperties.Signing signing = context.getBean(LaminaCacheProperties.class).getSigning();
                    assertThat(signing.getAcceptedKeys()).hasSize(1);
                    assertThat(signing.toString()).doesNotContain(K1).doesNotContain(K2).contains("***");
                });
    }

    @Test
    void aShortKey_failsStartup_namingThePropertyNotTheKey() {
        runner.withPropertyValues("lamina.cache.signing.key=" + SHORT).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lamina.cache.signing.key")
                    .hasMessageContaining("at least 32 bytes, got 16");
            assertThat(messages(context.getStartupFailure())).doesNotContain(SHORT).doesNotContain("secret-short-key");
        });
    }

    @Test
    void notBase64_failsStartup_withoutQuotingTheValue() {
        runner.withPropertyValues("lamina.cache.signing.key=" + K1, "lamina.cache.signing.accepted-keys=not*base64*secret!").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lamina.cache.signing.accepted-keys[0]")
                    .hasMessageContaining("base64");
            assertThat(messages(context.getStartupFailure())).doesNotContain("secret").doesNotContain("*");
        });
    }

    @Test
    void aBlankKey_failsStartup_ratherThanTurningSigningOff() {
        runner.withPropertyValues("lamina.cache.signing.key=").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lamina.cache.signing.key is empty");
        });
    }

    @Test
    void acceptedKeysWithoutAKey_failStartup() {
        runner.withPropertyValues("lamina.cache.signing.accepted-keys=" + K2).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("lamina.cache.signing.accepted-keys is set without lamina.cache.signing.key");
        });
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }
}
