package io.lamina.cache.internal.tag;

import static org.assertj.core.api.Assertions.assertThat;

import io.lamina.cache.CacheClock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 14, finding 2: a far-future version is rejected, counted, and leaves the tag to be read again. */
@Timeout(10)
class TagRegistryBoundTest {

    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
    private final CacheClock clock = new CacheClock() {
        @Override
        public long nanoTime() {
            return millis.get() * 1_000_000L;
        }

        @Override
        public long currentTimeMillis() {
            return millis.get();
        }
    };
    private final TagRegistry tags = new TagRegistry(true, clock);

    private long nowMicros() {
        return millis.get() * 1_000L;
    }

    @Test
    void longMaxValue_isRejected_tagForgotten_counted() {
        tags.advance("t", nowMicros());
        TagVersion view = tags.advance("t", Long.MAX_VALUE);
        assertThat(view.known()).isFalse();   // read from Redis again at its next use, not stuck in the far future
        assertThat(tags.rejected()).isEqualTo(1);
        tags.advance("t", nowMicros() + 5);
        assertThat(view.version()).isEqualTo(nowMicros() + 5);   // legit versions are learned again
    }

    @Test
    void notPositive_isRejected() {
        assertThat(tags.advance("t", 0).known()).isFalse();
        assertThat(tags.advance("t", -7).known()).isFalse();
        assertThat(tags.rejected()).isEqualTo(2);
    }

    @Test
    void withinTheSkewBound_isAccepted_aboveIt_isNot() {
        long bound = TagRegistry.MAX_SKEW_MICROS;
        assertThat(tags.advance("t", nowMicros() + bound).version()).isEqualTo(nowMicros() + bound);
        assertThat(tags.advance("u", nowMicros() + bound + 1).known()).isFalse();
    }

    @Test
    void theBoundFollowsTheRemoteClock_seenInLeaseStamps() {
        long redisAhead = 10 * 60_000_000L;   // Redis's clock 10 minutes ahead of this JVM's
        assertThat(tags.plausible(nowMicros() + redisAhead)).isFalse();
        tags.remoteTime(nowMicros() + redisAhead);
        assertThat(tags.advance("t", nowMicros() + redisAhead + 1_000).known()).isTrue();
        millis.addAndGet(30_000);   // and moves on with this JVM's clock
        assertThat(tags.plausible(nowMicros() + redisAhead + TagRegistry.MAX_SKEW_MICROS)).isTrue();
        assertThat(tags.plausible(nowMicros() + redisAhead + TagRegistry.MAX_SKEW_MICROS + 1)).isFalse();
    }

    @Test
    void aBurstOfLegitInvalidations_isNeverRejected() {
        // Scripts.TAG_INVALIDATE: max(cur + 1, now); a burst within one microsecond runs ahead by one per invalidation
        tags.remoteTime(nowMicros());
        long cur = 0;
        for (int i = 0; i < 100_000; i++) {
            cur = Math.max(cur + 1, nowMicros());
            assertThat(tags.advance("t", cur).version()).isEqualTo(cur);
        }
        assertThat(tags.rejected()).isZero();
    }
}
