package io.lamina.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DurationStringsTest {

    @Test
    void parse_simpleUnits() {
        assertThat(DurationStrings.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationStrings.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationStrings.parse("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(DurationStrings.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationStrings.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationStrings.parse(" 15 S ")).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void parse_iso8601() {
        assertThat(DurationStrings.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationStrings.parse("pt1h30m")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void parse_empty_meansCacheOption() {
        assertThat(DurationStrings.parse("")).isNull();
        assertThat(DurationStrings.parse("  ")).isNull();
    }

    @Test
    void parse_invalid_throwsNamingTheValue() {
        for (String bad : new String[] {"5x", "m", "10", "1.5s", "PTXS", "-5s", "ten minutes", "99999999999999999999d"}) {
            assertThatThrownBy(() -> DurationStrings.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void parse_zeroOrNegative_throws() {
        assertThatThrownBy(() -> DurationStrings.parse("0s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> DurationStrings.parse("-PT5S")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
