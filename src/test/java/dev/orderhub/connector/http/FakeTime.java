package dev.orderhub.connector.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that stands still until a pause moves it; every pause is recorded, none sleeps. */
final class FakeTime extends Clock implements Pause {

    static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

    private final AtomicLong millis = new AtomicLong(START.toEpochMilli());
    final List<Duration> pauses = new CopyOnWriteArrayList<>();

    @Override
    public void pause(Duration duration) {
        pauses.add(duration);
        millis.addAndGet(duration.toMillis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }
}
