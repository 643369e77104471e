package dev.orderhub.connector.manifest;

import java.util.Map;
import java.util.Optional;

import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * A channel's connector properties as written in a configuration file, before Spring resolved
 * their placeholders. Spring hands the validator resolved values, in which a secret read from
 * ${VAR} cannot be told from a secret written into the file; this is how it can.
 */
@FunctionalInterface
public interface WrittenValues {

    /**
     * The text of {@code key} as a configuration file writes it; empty when no file sets it (the
     * environment or a command-line argument gives it, or nothing does).
     */
    Optional<String> written(String key);

    /** Nothing known of how the values were written: a secret written as a value goes unnoticed. */
    static WrittenValues unknown() {
        return key -> Optional.empty();
    }

    /** For tests: the given texts, by property key. */
    static WrittenValues of(Map<String, String> written) {
        return key -> Optional.ofNullable(written.get(key));
    }

    /**
     * What the configuration files (application.yaml, config/channels.yaml and other imported
     * files) write under {@code prefix}, e.g. {@code orderhub.channels.amazon-de.connector.properties}.
     * Only the source that wins counts: a key an environment variable overrides is not written.
     */
    static WrittenValues of(ConfigurableEnvironment environment, String prefix) {
        return key -> {
            String name = prefix + "." + key;
            for (PropertySource<?> source : environment.getPropertySources()) {
                if (source.getName().equals("configurationProperties")) {
                    continue; // Spring's view over all the others
                }
                Object value = source.getProperty(name);
                if (value != null) {
                    if (!(source instanceof OriginTrackedMapPropertySource)) {
                        return Optional.empty();
                    }
                    return Optional.of(String.valueOf(value instanceof OriginTrackedValue tracked ? tracked.getValue() : value));
                }
            }
            return Optional.empty();
        };
    }
}
