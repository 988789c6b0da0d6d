package io.lamina.cache.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lamina.cache.spi.CodecException;
import io.lamina.cache.spi.JsonCodec;
import io.lamina.cache.spi.RemoteKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 14, finding 7: what reaches a log line holds no key, no stored value, and no character that forges a line. */
class SafeLogTextTest {

    record Person(long id, int ssn) {
    }

    @Test
    void aRemoteKeyPrintsADigestOfItsKey_neverTheKey() {
        RemoteKey key = new RemoteKey("shop", "users", "alice@example.com");
        assertThat(key.toString()).doesNotContain("alice").contains("users").matches(".*key#=[0-9a-f]{8}].*");
        assertThat(key.toString()).isEqualTo(new RemoteKey("shop", "users", "alice@example.com").toString())
                .isNotEqualTo(new RemoteKey("shop", "users", "bob@example.com").toString());
        assertThat(key.key()).isEqualTo("alice@example.com");
    }

    @Test
    void keysAreShown_onlyWhenAskedFor() {
        RemoteKey key = new RemoteKey("shop", "users", "alice@example.com");
        System.setProperty(RemoteKey.SHOW_KEYS, "true");
        try {
            assertThat(key.toString()).contains("key=alice@example.com");
        } finally {
            System.clearProperty(RemoteKey.SHOW_KEYS);
        }
        assertThat(key.toString()).doesNotContain("alice");
    }

    @Test
    void lineBreaksSeparatorsAndBidiControls_areEscaped() {
        String forged = "ok\nWARNING: forged\r\u0085x\u2028y\u2029z\u202eevil\u2066\u200f\u0007";
        String printed = RateLimitedLog.printable(forged);
        assertThat(printed).doesNotContain("\n", "\r", "\u0085", "\u2028", "\u2029", "\u202e", "\u2066", "\u200f", "\u0007")
                .contains("\\u000a", "\\u2028", "\\u202e").startsWith("ok").contains("forged");
        assertThat(RateLimitedLog.printable("plain text, ümlaut, 漢字, emoji \uD83D\uDE00")).isEqualTo("plain text, ümlaut, 漢字, emoji \uD83D\uDE00");
    }

    @Test
    void aDecodeFailure_namesWhereAndWhy_neverTheStoredValue() {
        JsonCodec codec = JsonCodec.builder().build();
        byte[] stored = "{\"id\":1,\"ssn\":\"SSN-078-05-1120\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(stored, Person.class)).isInstanceOf(CodecException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("SSN-078").contains("ssn").contains(Person.class.getTypeName());
                    assertThat(RateLimitedLog.describe(e)).doesNotContain("SSN-078");
                });
        byte[] malformed = "{\"id\":1,\"ssn\": SSN-078-05-1120}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(malformed, Person.class)).isInstanceOf(CodecException.class)
                .satisfies(e -> assertThat(RateLimitedLog.describe(e)).doesNotContain("SSN-078").contains("malformed JSON"));
    }
}
