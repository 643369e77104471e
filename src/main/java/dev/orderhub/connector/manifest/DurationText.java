package dev.orderhub.connector.manifest;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;

/**
 * Durations as the manifest writes them: a whole number and one of ms, s, m, h (500ms, 30s, 5m,
 * 1h). Narrower than Spring's simple style on purpose: no unit-less numbers (is 30 seconds or
 * milliseconds?), no negatives, no days or nanoseconds.
 */
final class DurationText {

    static final String RULE = "a duration like 500ms, 30s, 5m or 1h";

    private static final Pattern FORM = Pattern.compile("\\d+(ms|s|m|h)");

    private DurationText() {
    }

    static Optional<Duration> parse(String text) {
        if (text == null || !FORM.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(DurationStyle.SIMPLE.parse(text));
    }
}
