package io.lamina.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The batching of {@link GroupCommit}, with a send the test holds until it lets it answer. */
@Timeout(30)
class GroupCommitTest {

    private final GroupCommit group = new GroupCommit();
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final Semaphore answers = new Semaphore(0);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private volatile boolean outcome = true;

    /** Records each batch, then waits until the test lets it answer. */
    private final Predicate<List<String>> send = keys -> {
        batches.add(List.copyOf(keys));
        try {
            if (!answers.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no answer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return outcome;
    };

    @AfterEach
    void stop() {
        answers.release(10_000);
        pool.shutdownNow();
    }

    private CompletableFuture<Boolean> call(String key) {
        return CompletableFuture.supplyAsync(() -> group.invalidate(key, send), pool);
    }

    @Test
    void aCallThatOverlapsNothing_isSentAtOnce_alone() throws Exception {
        CompletableFuture<Boolean> only = call("k");
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
        assertThat(batches.get(0)).containsExactly("k");
        answers.release();
        assertThat(only.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void callsArrivingWhileABatchIsInFlight_goTogether_andEachReturnsAfterItsOwnBatch() throws Exception {
        CompletableFuture<Boolean> first = call("first");
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
        CountDownLatch gate = new CountDownLatch(1);
        List<CompletableFuture<Boolean>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = "k" + i;
            waiting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return group.invalidate(key, send);
            }, pool));
        }
        gate.countDown();
        waitUntilQueued(20);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        answers.release();   // the first batch answers: the 20 waiting calls go as one batch, still unanswered
        assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 2);
        assertThat(batches.get(1)).hasSize(20);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        outcome = false;     // Redis did not take it: every caller of the batch learns it
        answers.release();
        for (CompletableFuture<Boolean> w : waiting) {
            assertThat(w.get(5, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(batches).hasSize(2);
    }

    @Test
    void twoCallersOfOneKey_sendItOnce() throws Exception {
        call("first");
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
        CompletableFuture<Boolean> x = call("same");
        CompletableFuture<Boolean> y = call("same");
        waitUntilQueued(2);
        answers.release(2);
        assertThat(x.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(y.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(batches.get(1)).containsExactly("same");
    }

    @Test
    void withTheQueueFull_aCallIsSentAlone_atOnce() throws Exception {
        call("first");
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
        List<CompletableFuture<Boolean>> queued = new ArrayList<>();
        for (int i = 0; i < GroupCommit.MAX_BATCH; i++) {
            queued.add(call("q" + i));
        }
        waitUntilQueued(GroupCommit.MAX_BATCH);
        CompletableFuture<Boolean> extra = call("extra");
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 2);
        assertThat(batches.get(1)).containsExactly("extra");
        answers.release(3);
        assertThat(extra.get(5, TimeUnit.SECONDS)).isTrue();
        for (CompletableFuture<Boolean> q : queued) {
            assertThat(q.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(batches).hasSize(3);
        assertThat(batches.get(2)).hasSize(GroupCommit.MAX_BATCH);
    }

    /** Waits until {@code n} callers wait for the batch in flight. */
    private void waitUntilQueued(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> group.waiting() == n);
    }
}
