package dev.orderhub.channel;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.orderhub.connector.manifest.ClosestName;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The keys written under {@code orderhub.channels} and {@code orderhub.locations}, checked
 * against what the hub reads: Spring binds what it knows and silently drops the rest, so a
 * misspelt {@code stokSink:} would leave a channel without its stock sink and no one told. Each
 * unknown key is one line naming the source, the key and the keys it may have meant. Keys are
 * compared as Spring binds them (kebab-case and camelCase are the same key); a connector's
 * properties are checked by its manifest instead, and free maps (listing skus, sku buffers) by
 * their values' records.
 */
final class ChannelKeys {

    /** Under a channel: what {@link ChannelProperties.ChannelConfig} binds, and what each nested record binds. */
    private static final Map<String, Class<?>> CHANNEL_NESTED = Map.of(
            "buffer", ChannelProperties.Buffer.class,
            "stocksink", ChannelProperties.StockSinkConfig.class,
            "webhook", ChannelProperties.WebhookConfig.class);

    /** Channel keys other parts of the hub bind from the same map (privacy.PrivacyProperties, kpi.KpiThresholds). */
    private static final List<String> READ_ELSEWHERE = List.of("personalDataRetentionDays", "kpiThresholds");

    private ChannelKeys() {
    }

    static List<String> problems(ConfigurableEnvironment environment) {
        Map<String, String> keys = new LinkedHashMap<>(); // key -> source it came from
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> enumerable && !source.getName().equals("configurationProperties")
                    && !source.getName().equals("systemEnvironment")) {
                for (String name : enumerable.getPropertyNames()) {
                    if (name.startsWith("orderhub.channels.") || name.startsWith("orderhub.locations.")) {
                        keys.putIfAbsent(name, source.getName());
                    }
                }
            }
        }
        List<String> problems = new ArrayList<>();
        keys.forEach((key, source) -> {
            String problem = problem(key);
            if (problem != null) {
                problems.add(source.replaceFirst("^Config resource '.*?' via location '(.*?)'$", "$1") + ": " + key + ": " + problem);
            }
        });
        return problems;
    }

    /** What is wrong with one key, or null. */
    static String problem(String key) {
        String[] parts = key.split("\\.");
        if (parts.length < 4) {
            return null; // orderhub.channels.<id> itself
        }
        if (parts[1].equals("locations")) {
            return unknown(parts[3], ChannelProperties.LocationConfig.class, "location " + parts[2]);
        }
        String field = parts[3];
        if (READ_ELSEWHERE.stream().anyMatch(k -> normal(k).equals(normal(field)))) {
            return null;
        }
        String problem = unknown(field, ChannelProperties.ChannelConfig.class, "channel " + parts[2]);
        if (problem != null || parts.length < 5) {
            return problem;
        }
        String normal = normal(field);
        if (normal.equals("connector")) {
            String nested = parts[4];
            return normal(nested).equals("properties") ? null : unknown(nested, ChannelProperties.ConnectorConfig.class,
                    "channel " + parts[2] + " connector");
        }
        if (normal.equals("skubuffers") && parts.length >= 6) {
            return unknown(parts[5], ChannelProperties.Buffer.class, "channel " + parts[2] + " skuBuffers." + parts[4]);
        }
        if (normal.equals("listings") && parts.length >= 6) {
            return unknown(parts[5], ChannelProperties.ListingConfig.class, "channel " + parts[2] + " listings." + parts[4]);
        }
        Class<?> nested = CHANNEL_NESTED.get(normal);
        return nested == null ? null : unknown(parts[4], nested, "channel " + parts[2] + " " + field);
    }

    private static String unknown(String key, Class<?> record, String what) {
        Set<String> known = new LinkedHashSet<>();
        Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).forEach(known::add);
        if (record == ChannelProperties.ChannelConfig.class) {
            known.addAll(READ_ELSEWHERE);
        }
        String bare = key.replaceAll("\\[\\d+]$", "");
        if (known.stream().anyMatch(k -> normal(k).equals(normal(bare)))) {
            return null;
        }
        return "unknown key \"" + bare + "\" of " + what + ClosestName.hint(bare, known) + " (known: " + String.join(", ", known) + ")";
    }

    /** As Spring's relaxed binding compares names: without dashes and underscores, lower case. */
    private static String normal(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }
}
