package dev.orderhub.connector.http;

import java.time.Duration;

/**
 * How a call waits between attempts: on the caller's own thread, never a shared timer's, and
 * never longer in all than its operation's {@code longestWait}. Tests give one that only
 * records the waits and moves a clock.
 */
@FunctionalInterface
public interface Pause {

    void pause(Duration duration) throws InterruptedException;

    static Pause sleeping() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
