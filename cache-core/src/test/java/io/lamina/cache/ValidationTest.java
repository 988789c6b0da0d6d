package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear exception before anything is loaded or cached. */
class ValidationTest {

    private final AtomicInteger loads = new AtomicInteger();
    private final Loader<String> loader = () -> {
        loads.incrementAndGet();
        return "v";
    };
    private final CacheTemplate cache = CacheTemplate.builder().cache("declared").build();

    @AfterEach
    void check() {
        assertThat(loads).as("no loader may run for bad input").hasValue(0);
        cache.close();
    }

    @Test
    void nullCacheName() {
        assertThatThrownBy(() -> cache.remember(null, 1, String.class, loader))
                .isInstanceOf(NullPointerException.class).hasMessage("cache name");
    }

    @Test
    void blankOrInvalidCacheName() {
        assertThatThrownBy(() -> cache.remember(" ", 1, String.class, loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache name must not be blank");
        assertThatThrownBy(() -> cache.remember("a*b", 1, String.class, loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'*'");
    }

    @Test
    void unknownCache_whenDeclarationIsRequired() {
        try (CacheTemplate strict = CacheTemplate.builder().cache("declared").requireDeclaredCaches(true).build()) {
            assertThatThrownBy(() -> strict.remember("typo", 1, String.class, loader))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown cache 'typo'")
                    .hasMessageContaining("declared");
            assertThat(strict.remember("declared", 1, String.class, () -> "ok")).isEqualTo("ok");
        }
    }

    @Test
    void nullKey() {
        assertThatThrownBy(() -> cache.remember("declared", null, String.class, loader))
                .isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> cache.put("declared", null, "v")).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> cache.invalidate("declared", null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> cache.invalidateAll("declared", (java.util.Collection<?>) null)).isInstanceOf(NullPointerException.class)
                .hasMessage("keys");
        assertThatThrownBy(() -> cache.invalidateAll("declared", java.util.Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("null key");
        assertThatThrownBy(() -> cache.invalidateAll("declared", java.util.List.of(new int[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("array");
    }

    @Test
    void unsupportedKey() {
        assertThatThrownBy(() -> cache.remember("declared", new Object(), String.class, loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no stable string form");
        assertThatThrownBy(() -> cache.put("declared", new int[] {1}, "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("array");
    }

    @Test
    void nullLoaderOrType() {
        assertThatThrownBy(() -> cache.remember("declared", 1, String.class, (Loader<String>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("loader");
        assertThatThrownBy(() -> cache.remember("declared", 1, (Class<String>) null, loader))
                .isInstanceOf(NullPointerException.class).hasMessage("type");
        assertThatThrownBy(() -> cache.rememberAsync("declared", 1, String.class, (AsyncLoader<String>) null))
                .isInstanceOf(NullPointerException.class).hasMessage("loader");
    }

    @Test
    void zeroOrNegativeTtl() {
        assertThatThrownBy(() -> cache.remember("declared", 1, String.class, Duration.ZERO, loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl must be positive");
        assertThatThrownBy(() -> cache.remember("declared", 1, String.class, Duration.ofSeconds(-1), loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> cache.put("declared", 1, "v", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThat(cache.getIfPresent("declared", 1, String.class)).isNull();
    }

    @Test
    void badTags() {
        assertThatThrownBy(() -> cache.invalidateTags()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one tag");
        assertThatThrownBy(() -> cache.invalidateTags("ok", " ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> cache.invalidateTags("ok", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.invalidateTags("t".repeat(300))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
        assertThatThrownBy(() -> cache.invalidateTags("x\uD800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> cache.put("declared", 1, "v", Duration.ofSeconds(1), "x\uDC00"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> cache.remember("declared", 2, String.class, ctx -> {
            ctx.tags("x\uD800");
            return "v";
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        loads.set(0);   // that loader ran, but stored nothing
        assertThat(cache.getIfPresent("declared", 1, String.class)).isNull();
        assertThat(cache.getIfPresent("declared", 2, String.class)).isNull();
    }

    @Test
    void badKeys_emptyOrWithAnUnpairedSurrogate() {
        assertThatThrownBy(() -> cache.remember("declared", "", String.class, loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> cache.remember("declared", "x\uD800", String.class, loader))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> cache.rememberAsync("declared", "x\uDC00", String.class, () -> CompletableFuture.completedFuture("v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> cache.put("declared", "", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.getIfPresent("declared", "x", String.class)).isNull();
    }

    @Test
    void maxTagsPerEntry_agreesWithWhatTheEnvelopeReads() {
        assertThatThrownBy(() -> CacheTemplate.builder().maxTagsPerEntry(io.lamina.cache.internal.envelope.Envelope.MAX_USER_TAGS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTagsPerEntry");
        CacheTemplate.builder().maxTagsPerEntry(io.lamina.cache.internal.envelope.Envelope.MAX_USER_TAGS).build().close();
    }

    @Test
    void badSigningKeys_areRefusedByTheBuilder_namingTheKey_neverPrintingIt() {
        byte[] shortKey = "secret-but-short".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> CacheTemplate.builder().signingKey(shortKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("signingKey must be at least 32 bytes (256 bits) of random data, got 16 bytes");
        assertThatThrownBy(() -> CacheTemplate.builder().acceptedSigningKeys(new byte[32], shortKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("acceptedSigningKeys[1] must be at least 32 bytes")
                .message().doesNotContain("secret");
        assertThatThrownBy(() -> CacheTemplate.builder().signingKey(null)).isInstanceOf(NullPointerException.class).hasMessage("signingKey");
        assertThatThrownBy(() -> CacheTemplate.builder().acceptedSigningKeys(new byte[32], null)).isInstanceOf(NullPointerException.class)
                .hasMessage("acceptedSigningKeys[1]");
        assertThatThrownBy(() -> CacheTemplate.builder().acceptedSigningKeys(new byte[32]).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a signingKey");
        CacheTemplate.builder().signingKey(new byte[32]).acceptedSigningKeys(new byte[64]).build().close();
    }

    @Test
    void badOptions_nameTheOptionAndTheValue() {
        assertThatThrownBy(() -> CacheOptions.builder().ttl(Duration.ZERO)).hasMessage("ttl must be positive, got PT0S");
        assertThatThrownBy(() -> CacheOptions.builder().nullTtl(Duration.ofSeconds(-5))).hasMessage("nullTtl must be positive, got PT-5S");
        assertThatThrownBy(() -> CacheOptions.builder().jitter(Duration.ofSeconds(-1))).hasMessage("jitter must not be negative, got PT-1S");
        assertThatThrownBy(() -> CacheOptions.builder().maximumSize(0)).hasMessage("maximumSize must be positive, got 0");
        assertThatThrownBy(() -> CacheOptions.builder().refreshAhead(1.5)).hasMessageContaining("refreshAhead");
        assertThatThrownBy(() -> CacheOptions.builder().failSafe(Duration.ofMillis(-1))).hasMessageContaining("failSafe");
        assertThatThrownBy(() -> CacheOptions.builder().l1Ttl(Duration.ZERO)).hasMessageContaining("l1Ttl");
        assertThatThrownBy(() -> CacheOptions.builder().ttl(null)).isInstanceOf(NullPointerException.class).hasMessage("ttl");
    }

    @Test
    void badBuilderSettings() {
        assertThatThrownBy(() -> CacheTemplate.builder().namespace("has space")).hasMessageContaining("namespace");
        assertThatThrownBy(() -> CacheTemplate.builder().cache("a").cache("a")).hasMessageContaining("declared twice");
        assertThatThrownBy(() -> CacheTemplate.builder().executor(null)).isInstanceOf(NullPointerException.class).hasMessage("executor");
        assertThatThrownBy(() -> CacheTemplate.builder().maxTagsPerEntry(0)).hasMessageContaining("maxTagsPerEntry");
    }

    @Test
    void typeRefWithoutTypeArgument() {
        @SuppressWarnings({"rawtypes", "unchecked"})
        class Raw extends TypeRef {
        }
        assertThatThrownBy(Raw::new).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type argument");
    }
}
