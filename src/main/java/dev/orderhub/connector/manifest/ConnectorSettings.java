package dev.orderhub.connector.manifest;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One channel's connector properties, validated against the connector's manifest and typed,
 * with defaults applied. {@link #toString()} shows secrets as ****; {@link #asParameters()}
 * does not, and is for handing to the connector only.
 */
public final class ConnectorSettings {

    /** A Spring placeholder left in a value because nothing resolved it; group 1 is its name. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]*)(:[^}]*)?}");

    private static final String MASK = "****";

    private final ConnectorManifest manifest;
    private final String channel;
    private final Map<String, Object> values;

    private ConnectorSettings(ConnectorManifest manifest, String channel, Map<String, Object> values) {
        this.manifest = manifest;
        this.channel = channel;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Validates a channel's properties for {@code manifest}'s connector and types them.
     *
     * @param channel    the channel's id, e.g. amazon-de
     * @param source     where the properties are configured, the start of each error line, e.g.
     *                   {@code config/channels.yaml: orderhub.channels.amazon-de.connector.properties}
     * @param properties the properties as Spring bound them (a Map&lt;String, Object&gt;); null for none
     * @param written    how the configuration files write them, to refuse a secret written as a value
     * @throws ConnectorConfigurationException with one line for each problem found
     */
    public static ConnectorSettings validate(ConnectorManifest manifest, String channel, String source,
                                             Map<String, ?> properties, WrittenValues written) {
        String at = source == null || source.isBlank() ? "channel " + channel + ", connector " + manifest.name() + ":" : source + ".";
        Map<String, PropertySpec> declared = manifest.properties();
        List<String> problems = new ArrayList<>();
        Map<String, String> givenAs = new LinkedHashMap<>(); // property name -> key it was given under
        Map<String, ?> given = properties == null ? Map.of() : properties;
        for (String key : given.keySet()) {
            String name = declared.containsKey(key) ? key : declared.containsKey(camelCase(key)) ? camelCase(key) : null;
            if (name == null) {
                problems.add(at + key + ": unknown property of connector " + manifest.name()
                        + ClosestName.hint(camelCase(key), declared.keySet()) + " (known: " + known(declared.keySet()) + ")");
            } else if (givenAs.containsKey(name)) {
                problems.add(at + key + ": given twice, as " + givenAs.get(name) + " and " + key);
            } else {
                givenAs.put(name, key);
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        declared.forEach((name, property) -> {
            String key = givenAs.getOrDefault(name, name);
            Object value = givenAs.containsKey(name) ? given.get(key) : null;
            if (value == null || value instanceof String text && text.isBlank()) {
                if (property.required()) {
                    problems.add(at + key + (value == null
                            ? ": missing: connector " + manifest.name() + " needs it (" + property.title() + ")"
                            : ": is blank" + written.written(key).map(w -> ", as " + w + " gave it").orElse("")
                              + ": connector " + manifest.name() + " needs it (" + property.title() + ")"));
                } else if (property.defaultValue() != null) {
                    values.put(name, property.defaultValue());
                }
                return;
            }
            Set<String> unresolved = placeholders(value);
            if (!unresolved.isEmpty()) {
                problems.add(at + key + ": " + unresolved.stream().map(v -> "${" + v + "}").collect(Collectors.joining(", "))
                        + " is not set: give the environment variable " + String.join(", ", unresolved)
                        + (property.secret() ? "" : " or write the value"));
                return;
            }
            if (property.secret()) {
                Optional<String> text = written.written(key);
                if (text.isPresent() && !PLACEHOLDER.matcher(text.get()).find()) {
                    problems.add(at + key + ": is a secret written as a value: write it as a placeholder, e.g. ${"
                            + variableFor(channel, name) + "}, and give it in the environment");
                    return;
                }
            }
            try {
                values.put(name, property.convert(value));
            } catch (PropertySpec.BadValue e) {
                problems.add(at + key + ": " + e.getMessage());
            }
        });
        ConnectorConfigurationException.throwIfAny(problems);
        return new ConnectorSettings(manifest, channel, values);
    }

    public String connector() {
        return manifest.name();
    }

    public String channel() {
        return channel;
    }

    /** Whether the property has a value, given or by default. */
    public boolean has(String name) {
        spec(name);
        return values.containsKey(name);
    }

    public Optional<String> getString(String name) {
        return typed(name, PropertyType.STRING).map(String.class::cast);
    }

    public Optional<Long> getLong(String name) {
        return typed(name, PropertyType.INTEGER).map(Long.class::cast);
    }

    /** @throws ArithmeticException when the value does not fit an int */
    public Optional<Integer> getInt(String name) {
        return getLong(name).map(Math::toIntExact);
    }

    public Optional<Double> getNumber(String name) {
        return typed(name, PropertyType.NUMBER).map(Double.class::cast);
    }

    public Optional<Boolean> getBoolean(String name) {
        return typed(name, PropertyType.BOOLEAN).map(Boolean.class::cast);
    }

    /** An array's elements as text; empty when not set. */
    public List<String> getList(String name) {
        return typed(name, PropertyType.ARRAY).map(list -> ((List<?>) list).stream().map(String::valueOf).toList()).orElse(List.of());
    }

    /** A string property of format duration. */
    public Optional<Duration> getDuration(String name) {
        requireFormat(name, PropertyFormat.DURATION);
        return getString(name).map(text -> DurationText.parse(text).orElseThrow());
    }

    /** A string property of format uri. */
    public Optional<URI> getUri(String name) {
        requireFormat(name, PropertyFormat.URI);
        return getString(name).map(URI::create);
    }

    /**
     * Every value as text (arrays joined with commas), e.g. for a Kamelet's parameters. Holds
     * secrets in clear: never log it.
     */
    public Map<String, String> asParameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        values.forEach((name, value) -> parameters.put(name, value instanceof List<?> list
                ? list.stream().map(String::valueOf).collect(Collectors.joining(",")) : String.valueOf(value)));
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * The hosts this channel's connector may call: the manifest's hosts, each {@code ${property}}
     * replaced by the host of that property's value (or the value itself when it is a bare host
     * name), and left out when the property has no value.
     */
    public Set<String> allowedHosts() {
        Set<String> hosts = new LinkedHashSet<>();
        for (String host : manifest.hosts()) {
            Matcher placeholder = ManifestReader.HOST_PROPERTY.matcher(host);
            if (!placeholder.matches()) {
                hosts.add(host);
                continue;
            }
            Object value = values.get(placeholder.group(1));
            if (value != null) {
                String text = String.valueOf(value);
                URI uri = text.contains("://") ? URI.create(text) : null;
                hosts.add((uri != null && uri.getHost() != null ? uri.getHost() : text).toLowerCase(Locale.ROOT));
            }
        }
        return Collections.unmodifiableSet(hosts);
    }

    @Override
    public String toString() {
        return "ConnectorSettings[connector=" + manifest.name() + ", channel=" + channel + values.entrySet().stream()
                .map(e -> ", " + e.getKey() + "=" + (spec(e.getKey()).secret() ? MASK : e.getValue()))
                .collect(Collectors.joining()) + "]";
    }

    private Optional<Object> typed(String name, PropertyType type) {
        PropertySpec spec = spec(name);
        if (spec.type() != type) {
            throw new IllegalArgumentException("connector " + manifest.name() + ": property " + name + " is " + spec.type() + ", not " + type);
        }
        return Optional.ofNullable(values.get(name));
    }

    private void requireFormat(String name, PropertyFormat format) {
        if (spec(name).format() != format) {
            throw new IllegalArgumentException("connector " + manifest.name() + ": property " + name + " has no format " + format);
        }
    }

    private PropertySpec spec(String name) {
        return manifest.property(name).orElseThrow(() -> new IllegalArgumentException(
                "connector " + manifest.name() + " declares no property \"" + name + "\" (known: " + known(manifest.properties().keySet()) + ")"));
    }

    private static Set<String> placeholders(Object value) {
        Set<String> names = new LinkedHashSet<>();
        if (value instanceof String text) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                names.add(m.group(1));
            }
        } else if (value instanceof Collection<?> list) {
            list.forEach(element -> names.addAll(placeholders(element)));
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(element -> names.addAll(placeholders(element)));
        }
        return names;
    }

    /** client-id → clientId: Spring's kebab-case form of a camelCase property. */
    static String camelCase(String key) {
        StringBuilder name = new StringBuilder();
        boolean upper = false;
        for (char c : key.toCharArray()) {
            if (c == '-' || c == '_') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return name.toString();
    }

    /** amazon-de, clientSecret → AMAZON_DE_CLIENT_SECRET. */
    static String variableFor(String channel, String property) {
        return (channel + "_" + property.replaceAll("([a-z0-9])([A-Z])", "$1_$2")).replaceAll("[^A-Za-z0-9]+", "_").toUpperCase(Locale.ROOT);
    }

    private static String known(Collection<String> names) {
        return names.isEmpty() ? "none: this connector takes no properties" : String.join(", ", names);
    }
}
