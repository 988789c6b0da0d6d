package io.lamina.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.internal.ResolvedOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheOptionsTest {

    @Test
    void unsetOptions_inheritFromDefaults_thenBuiltIns() {
        CacheOptions defaults = CacheOptions.builder().ttl(Duration.ofMinutes(5)).maximumSize(500).failSafe(Duration.ofHours(1)).build();
        CacheOptions own = CacheOptions.builder().nullTtl(Duration.ofSeconds(3)).build();
        ResolvedOptions r = ResolvedOptions.resolve(own, defaults);

        assertThat(r.ttl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(r.nullTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.maximumSize()).isEqualTo(500);
        assertThat(r.failSafe()).isEqualTo(Duration.ofHours(1));
        assertThat(r.cacheNulls()).isTrue();
        assertThat(r.jitter()).isNull();
    }

    @Test
    void builtInDefaults() {
        ResolvedOptions r = ResolvedOptions.resolve(CacheOptions.inherit(), CacheOptions.inherit());
        assertThat(r.ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(r.nullTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.maximumSize()).isEqualTo(10_000);
        assertThat(r.failSafe()).isZero();
        assertThat(r.refreshAt(0, 1_000)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void defaultNullTtl_isHalfTheTtlWhenThatIsShorterThan30s() {
        ResolvedOptions r = ResolvedOptions.resolve(CacheOptions.builder().ttl(Duration.ofSeconds(10)).build(), CacheOptions.inherit());
        assertThat(r.nullTtl()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void maximumWeight_replacesMaximumSize_andIsInheritedAsAPair() {
        CacheOptions defaults = CacheOptions.builder().maximumWeight(1_000, (k, v) -> 1).build();
        ResolvedOptions r = ResolvedOptions.resolve(CacheOptions.inherit(), defaults);
        assertThat(r.maximumWeight()).isEqualTo(1_000);
        assertThat(r.maximumSize()).isZero();
        assertThat(r.weigher()).isNotNull();

        ResolvedOptions own = ResolvedOptions.resolve(CacheOptions.builder().maximumSize(10).build(), defaults);
        assertThat(own.maximumSize()).isEqualTo(10);
        assertThat(own.maximumWeight()).isZero();
    }

    @Test
    void refreshPoint_asDurationOrFraction() {
        ResolvedOptions byFraction = ResolvedOptions.resolve(CacheOptions.builder().refreshAhead(0.8).build(), CacheOptions.inherit());
        assertThat(byFraction.refreshAt(100, 1_000)).isEqualTo(900);
        ResolvedOptions byDuration = ResolvedOptions.resolve(CacheOptions.builder().refreshAfter(Duration.ofNanos(300)).build(), CacheOptions.inherit());
        assertThat(byDuration.refreshAt(100, 1_000)).isEqualTo(400);
        assertThat(byDuration.refreshAt(100, 200)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void toBuilder_derivesAVariant_withoutChangingTheOriginal() {
        CacheOptions base = CacheOptions.builder().ttl(Duration.ofMinutes(1)).build();
        CacheOptions variant = base.toBuilder().ttl(Duration.ofMinutes(2)).cacheNulls(false).build();
        assertThat(base.ttl()).contains(Duration.ofMinutes(1));
        assertThat(base.cacheNulls()).isEmpty();
        assertThat(variant.ttl()).contains(Duration.ofMinutes(2));
        assertThat(variant.cacheNulls()).contains(false);
    }
}
