package io.daprguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionExecutorTest {

    @Test
    void workBeyondTheLimitRunsOnTheSheddingLaneAndIsToldToRefuse() throws Exception {
        try (AdmissionExecutor executor = new AdmissionExecutor(1, 1, Duration.ofSeconds(30))) {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> first = new CompletableFuture<>();
            CompletableFuture<String> second = new CompletableFuture<>();
            executor.execute(() -> {
                first.complete(String.valueOf(AdmissionExecutor.refusal()));
                await(release);
            });
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("null");
            assertThat(executor.inProgress()).isEqualTo(1);
            executor.execute(() -> second.complete(Thread.currentThread().getName() + ": "
                    + AdmissionExecutor.refusal()));
            assertThat(second.get(30, TimeUnit.SECONDS))
                    .as("answered while the only worker is still busy")
                    .isEqualTo("admission-shed-1: more than 1 reviews in progress");
            assertThat(executor.inProgress()).as("the shedding lane is not counted").isEqualTo(1);
            release.countDown();
            awaitZero(executor);
            CompletableFuture<String> third = new CompletableFuture<>();
            executor.execute(() -> third.complete(Thread.currentThread().getName() + ": "
                    + AdmissionExecutor.refusal()));
            assertThat(third.get(30, TimeUnit.SECONDS)).isEqualTo("admission-1: null");
        }
    }

    @Test
    void aReviewThatWaitedLongerThanMaxWaitIsRefused() throws Exception {
        try (AdmissionExecutor executor = new AdmissionExecutor(1, 100, Duration.ofMillis(50))) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            executor.execute(() -> {
                running.countDown();
                await(release);
            });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> queued = new CompletableFuture<>();
            long submitted = System.nanoTime();
            executor.execute(() -> queued.complete(AdmissionExecutor.refusal()));
            while (System.nanoTime() - submitted < TimeUnit.MILLISECONDS.toNanos(100)) {
                Thread.onSpinWait();
            }
            release.countDown();
            assertThat(queued.get(30, TimeUnit.SECONDS)).matches("waited \\d+ ms for a worker \\(more than 50 ms\\)");
        }
    }

    @Test
    void noRefusalOutsideTheExecutor() {
        assertThat(AdmissionExecutor.refusal()).isNull();
    }

    private static void awaitZero(AdmissionExecutor executor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (executor.inProgress() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(executor.inProgress()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
