package dev.orderhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A gauge's reading costs one query per period, however often it is scraped; a failed read keeps the last value. */
class CachedReadingTest {

    @Test
    void readsOncePerPeriodHoweverOftenAsked() {
        AtomicInteger reads = new AtomicInteger();
        CachedReading<Integer> reading = new CachedReading<>("test", Duration.ofMillis(300), -1, reads::incrementAndGet);
        for (int i = 0; i < 100; i++) {
            assertThat(reading.get()).isEqualTo(1);
        }
        assertThat(reads.get()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> reading.get() == 2);
        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void aFailedReadKeepsTheLastValueOrTheFallback() {
        AtomicInteger reads = new AtomicInteger();
        CachedReading<Integer> failing = new CachedReading<>("test", Duration.ZERO, -1, () -> {
            if (reads.incrementAndGet() > 1) {
                throw new IllegalStateException("the database is away");
            }
            return 7;
        });
        assertThat(failing.get()).isEqualTo(7);
        assertThat(failing.get()).as("the last value stands").isEqualTo(7);
        assertThat(new CachedReading<Integer>("test", Duration.ZERO, -1, () -> {
            throw new IllegalStateException("never read");
        }).get()).as("the fallback before any read").isEqualTo(-1);
    }
}
