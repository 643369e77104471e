package dev.orderhub.connector.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How long a remote asked us to wait, read from its answer's headers: {@code Retry-After}
 * (delta seconds, fractions allowed, or an HTTP-date; RFC 9110 10.2.3) and
 * {@code X-RateLimit-Reset} (seconds from now, or epoch seconds past 10^9 as GitHub sends it).
 * The one reading of these headers, for the toolkit's client and for a connector that calls
 * through a Kamelet.
 */
public final class RateHeaders {

    private RateHeaders() {
    }

    /** The wait a {@code Retry-After} value asks for; null when absent or unreadable. */
    public static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        try {
            return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(text) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
                Duration wait = Duration.between(now, when.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** The wait until an {@code X-RateLimit-Reset}; null when absent or unreadable. */
    public static Duration resetWait(String value, Instant now) {
        if (value == null) {
            return null;
        }
        try {
            long number = (long) Math.ceil(Double.parseDouble(value.trim()));
            long millis = number > 1_000_000_000L ? number * 1000 - now.toEpochMilli() : number * 1000;
            return Duration.ofMillis(Math.max(0, millis));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
