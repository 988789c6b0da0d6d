package io.lamina.cache.internal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue's bookkeeping, against a stand-in for what a replay does (the Redis side is tested in InvalidationReplayIT). */
@Timeout(20)
class ReplayQueueTest {

    /** Takes every intent while {@code up}; fails them otherwise. Records what was sent and applied. */
    private static final class Target implements ReplayQueue.Actions {
        final AtomicBoolean up = new AtomicBoolean();
        final AtomicBoolean announced = new AtomicBoolean(true);
        final List<Intent> sent = new CopyOnWriteArrayList<>();
        final List<List<Intent>> groups = new CopyOnWriteArrayList<>();
        final List<Intent> applied = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public CompletableFuture<Long> send(Intent intent) {
            sent.add(intent);
            CountDownLatch g = gate;
            if (g != null) {
                entered.countDown();
                try {
                    g.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return up.get() ? CompletableFuture.completedFuture(7L) : CompletableFuture.failedFuture(new IllegalStateException("down"));
        }

        @Override
        public CompletableFuture<Void> sendKeys(String cache, List<Intent> keys) {
            groups.add(keys);
            return up.get() ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(new IllegalStateException("down"));
        }

        @Override
        public boolean applied(Intent intent, long version) {
            applied.add(intent);
            return announced.get();
        }

        @Override
        public Collection<String> caches() {
            return List.of("products", "lists");
        }
    }

    private final Target target = new Target();
    private ReplayQueue queue;

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    private ReplayQueue queue(int capacity) {
        queue = new ReplayQueue("ns", target, capacity, Duration.ofMillis(200));
        return queue;
    }

    @Test
    void repeatedFailuresOfOneKey_areQueuedOnce_andReplayedOnceRedisTakesWrites() {
        ReplayQueue q = queue(100);
        for (int i = 0; i < 5; i++) {
            q.failed(Intent.key("products", "1"));
            q.failed(Intent.tag("category:1"));
        }
        assertThat(q.pending()).isEqualTo(2);
        assertThat(q.queued()).isEqualTo(2);

        target.up.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> q.pending() == 0);
        assertThat(q.replayed()).isEqualTo(2);
        assertThat(target.applied).containsExactlyInAnyOrder(Intent.key("products", "1"), Intent.tag("category:1"));
        assertThat(q.dropped()).isZero();
    }

    @Test
    void aReplayTheBusDidNotAnnounce_staysQueued_andIsAnnouncedAgainAtItsVersion_withoutANewOne() {
        ReplayQueue q = queue(100);
        q.failed(Intent.tag("category:1"));
        target.announced.set(false);   // Redis takes the new version; the bus does not take the message
        target.up.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> target.applied.size() >= 2);
        assertThat(q.pending()).as("still to be announced").isEqualTo(1);
        assertThat(q.replayed()).as("not done while no node heard of it").isZero();
        assertThat(target.sent).as("Redis asked for a new version once; then only the announcement is replayed")
                .startsWith(Intent.tag("category:1"), Intent.tag("category:1").announcing(7));

        target.announced.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> q.pending() == 0);
        assertThat(q.replayed()).isEqualTo(1);
        assertThat(q.queued()).as("counted once").isEqualTo(1);
        assertThat(target.sent.stream().filter(i -> !i.announceOnly())).as("one new version in all").hasSize(1);
    }

    @Test
    void anAnnouncementStillQueued_neverReplacesAnInvalidationRedisHasStillToTake_butTheOtherWayRound() {
        ReplayQueue q = queue(100);
        q.failed(Intent.tag("t"));
        q.failed(Intent.tag("t").announcing(9));
        q.failed(Intent.all("products").announcing(4));
        q.failed(Intent.all("products"));
        target.up.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> q.pending() == 0);
        assertThat(target.sent).containsExactlyInAnyOrder(Intent.tag("t"), Intent.all("products"));
    }

    @Test
    void theKeysOfOneCache_areReplayedTogether_oneRemovalPerCache_andEachCountedAndApplied() {
        ReplayQueue q = queue(100);
        for (int i = 0; i < 5; i++) {
            q.failed(Intent.key("products", "p" + i));
        }
        q.failed(Intent.key("lists", "l0"));
        q.failed(Intent.key("lists", "l1"));
        q.failed(Intent.key("single", "s0"));
        q.failed(Intent.tag("t"));
        target.up.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> q.pending() == 0);
        assertThat(target.groups).as("one removal per cache with more than one key").hasSize(2);
        assertThat(target.groups).anySatisfy(g -> assertThat(g).hasSize(5).allMatch(i -> i.cache().equals("products")));
        assertThat(target.groups).anySatisfy(g -> assertThat(g).containsExactly(Intent.key("lists", "l0"), Intent.key("lists", "l1")));
        assertThat(target.sent).as("a lone key and the tag one by one")
                .containsExactlyInAnyOrder(Intent.key("single", "s0"), Intent.tag("t"));
        assertThat(q.replayed()).isEqualTo(9);
        assertThat(target.applied).hasSize(9);
    }

    @Test
    void aKeyWrittenButUnannounced_isOnlyAnnounced_andARemovalStillToDoWinsOverIt() {
        ReplayQueue q = queue(100);
        q.failed(Intent.key("products", "put").announcing(0));
        q.failed(Intent.key("products", "other").announcing(0));
        q.failed(Intent.key("products", "both"));
        q.failed(Intent.key("products", "both").announcing(0));
        target.up.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> q.pending() == 0);
        assertThat(target.groups).as("only the removal is sent to Redis").isEmpty();
        assertThat(target.sent).containsExactlyInAnyOrder(Intent.key("products", "put").announcing(0),
                Intent.key("products", "other").announcing(0), Intent.key("products", "both"));
        assertThat(q.replayed()).isEqualTo(3);
    }

    @Test
    void aLaterWriteRedisTook_dropsWhatItCovers() {
        ReplayQueue q = queue(100);
        q.failed(Intent.key("products", "1"));
        q.failed(Intent.key("products", "2"));
        q.failed(Intent.key("lists", "1"));
        q.failed(Intent.tag("t"));
        q.succeeded(Intent.key("products", "1"));
        q.succeeded(Intent.tag("t"));
        assertThat(q.pending()).isEqualTo(2);
        q.succeeded(Intent.all("lists"));
        assertThat(q.pending()).isEqualTo(1);
        q.failed(Intent.all("products"));
        assertThat(q.pending()).as("an invalidateAll covers the queued keys of its cache").isEqualTo(1);
        q.failed(Intent.key("products", "3"));
        assertThat(q.pending()).as("a key of a cache queued whole adds nothing").isEqualTo(1);
        assertThat(q.dropped()).isZero();
    }

    @Test
    void full_coalescesTheKeysOfOneCacheIntoItsInvalidateAll_andCountsThemDropped() {
        ReplayQueue q = queue(10);
        for (int i = 0; i < 8; i++) {
            q.failed(Intent.key("products", "k" + i));
        }
        q.failed(Intent.key("lists", "a"));
        q.failed(Intent.tag("t"));
        q.failed(Intent.key("lists", "b"));   // full: the 8 product keys become one invalidateAll of products
        assertThat(q.pending()).isEqualTo(4);
        assertThat(q.dropped()).isEqualTo(8);

        target.up.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> q.pending() == 0);
        assertThat(target.applied).containsExactlyInAnyOrder(Intent.all("products"), Intent.key("lists", "a"), Intent.tag("t"),
                Intent.key("lists", "b"));
    }

    @Test
    void fullOfTags_coalescesThemIntoAnInvalidateAllOfEveryCache() {
        ReplayQueue q = queue(3);
        q.failed(Intent.tag("a"));
        q.failed(Intent.tag("b"));
        q.failed(Intent.tag("c"));
        q.failed(Intent.tag("d"));
        assertThat(q.dropped()).isEqualTo(3);
        target.up.set(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> q.pending() == 0);
        assertThat(target.applied).containsExactlyInAnyOrder(Intent.all("products"), Intent.all("lists"), Intent.tag("d"));
    }

    @Test
    void aFailureRecordedWhileItsReplayIsInFlight_isReplayedAgain() throws Exception {
        ReplayQueue q = queue(100);
        target.gate = new CountDownLatch(1);
        target.up.set(true);
        q.failed(Intent.key("products", "1"));
        assertThat(target.entered.await(5, TimeUnit.SECONDS)).as("the replay thread is parked in send()").isTrue();
        q.failed(Intent.key("products", "1"));                   // the newer intent, while the older one is in flight
        target.gate.countDown();
        target.gate = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> q.pending() == 0);
        assertThat(q.replayed()).isEqualTo(2);
    }

    @Test
    void closing_countsWhatIsLeftAsDropped() {
        ReplayQueue q = queue(100);
        q.failed(Intent.key("products", "1"));
        q.failed(Intent.all("lists"));
        q.close();
        assertThat(q.dropped()).isEqualTo(2);
        assertThat(q.pending()).isZero();
        q.failed(Intent.key("products", "2"));
        assertThat(q.pending()).isZero();
    }

    @Test
    void capacityBelowOne_isRefused() {
        assertThatThrownBy(() -> new ReplayQueue("ns", target, 0, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity").hasMessageContaining("0");
    }
}
