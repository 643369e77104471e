package dev.orderhub.routing;

import java.io.IOException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orderhub.channel.LocationKind;
import dev.orderhub.order.FulfilmentMode;

/**
 * Reads and checks config/rules.yaml: a closed set of keys at every level (a misspelt key is an
 * error, never ignored), every location and channel named exists, every rule is reachable and
 * the last one is a catch-all that says what happens to an order nothing can fill. Every
 * problem is reported with the rule and the field ({@link Invalid#problems()}).
 */
public final class RuleSetParser {

    /** The rules file is not usable; the first problem names the rule and field. */
    public static final class Invalid extends RuntimeException {
        private final List<String> problems;

        Invalid(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._/*-]{1,64}");
    private static final Set<String> TOP = Set.of("version", "locations", "tags", "rules");
    private static final Set<String> LOCATION = Set.of("safetyStock", "dailyCapacity", "cutoff", "zone", "country", "postalCode");
    private static final Set<String> RULE = Set.of("id", "when", "allocate", "hold", "otherwise");
    private static final Set<String> WHEN = Set.of("channel", "fulfilmentMode", "country", "notCountry", "region", "notRegion",
            "postcodePrefix", "notPostcodePrefix", "sku", "tag", "orderValue", "lines", "shipByWithin", "stockAt");
    private static final Set<String> ALLOCATE = Set.of("from", "kinds", "sort", "split");
    private static final Set<String> SPLIT = Set.of("maxShipments", "minPartValue");
    private static final Set<String> HOLD = Set.of("queue", "reason", "autoCancelAfter");
    private static final Set<String> RANGE = Set.of("min", "max");
    private static final int MAX_RULES = 500;

    private final Map<String, LocationKind> locations;
    private final Set<String> channels;
    private final List<String> problems = new ArrayList<>();

    private RuleSetParser(Map<String, LocationKind> locations, Set<String> channels) {
        this.locations = locations;
        this.channels = channels;
    }

    /** Parses the file's bytes against the hub's locations (id → kind) and channels; throws {@link Invalid}. */
    public static RuleSet parse(byte[] file, Map<String, LocationKind> locations, Set<String> channels) {
        return new RuleSetParser(locations, channels).read(file);
    }

    private RuleSet read(byte[] file) {
        JsonNode root;
        try {
            root = YAML.readTree(file);
        } catch (IOException e) {
            throw new Invalid(List.of("not YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
        }
        if (root == null || !root.isObject()) {
            throw new Invalid(List.of("the file must be a mapping with version, locations, tags and rules"));
        }
        keys(root, TOP, "");
        int version = root.path("version").isInt() && root.path("version").asInt() > 0 ? root.path("version").asInt() : 0;
        if (version == 0) {
            problems.add("version: a whole number above 0 is required (shown in every decision)");
        }
        Map<String, RuleSet.LocationRules> locationRules = new LinkedHashMap<>();
        JsonNode locs = root.path("locations");
        if (!locs.isMissingNode() && !locs.isNull()) {
            if (!locs.isObject()) {
                problems.add("locations: a mapping of location id to its routing settings");
            } else {
                locs.fields().forEachRemaining(e -> {
                    String where = "locations." + e.getKey();
                    if (!locations.containsKey(e.getKey())) {
                        problems.add(where + ": no location \"" + e.getKey() + "\" is configured (known: " + locations.keySet() + ")");
                    }
                    locationRules.put(e.getKey(), location(e.getValue(), where));
                });
            }
        }
        Map<String, List<String>> tags = new LinkedHashMap<>();
        JsonNode tagNode = root.path("tags");
        if (!tagNode.isMissingNode() && !tagNode.isNull()) {
            if (!tagNode.isObject()) {
                problems.add("tags: a mapping of tag to the sku patterns that carry it");
            } else {
                tagNode.fields().forEachRemaining(e -> {
                    if (!ID.matcher(e.getKey()).matches()) {
                        problems.add("tags." + e.getKey() + ": a tag is lower-case letters, digits, _ . -");
                    }
                    tags.put(e.getKey(), patterns(e.getValue(), "tags." + e.getKey()));
                });
            }
        }
        List<RuleSet.Rule> rules = new ArrayList<>();
        JsonNode ruleNodes = root.path("rules");
        if (!ruleNodes.isArray() || ruleNodes.isEmpty()) {
            problems.add("rules: a list of rules is required, the last one a catch-all");
        } else if (ruleNodes.size() > MAX_RULES) {
            problems.add("rules: at most " + MAX_RULES + " rules, were " + ruleNodes.size());
        } else {
            Set<String> ids = new LinkedHashSet<>();
            int index = 0;
            for (JsonNode node : ruleNodes) {
                index++;
                RuleSet.Rule rule = rule(node, index, tags.keySet());
                if (rule == null) {
                    continue;
                }
                if (!ids.add(rule.id())) {
                    problems.add("rule '" + rule.id() + "' id: used by an earlier rule too");
                }
                rules.add(rule);
            }
            reachability(rules);
        }
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        return new RuleSet(version, sha256(file), Map.copyOf(locationRules), Map.copyOf(tags), List.copyOf(rules));
    }

    private void reachability(List<RuleSet.Rule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            RuleSet.Rule rule = rules.get(i);
            boolean last = i == rules.size() - 1;
            if (!last && rule.when().always() && (rule.hold() != null || rule.otherwise() != null)) {
                problems.add("rule '" + rules.get(i + 1).id() + "': unreachable, rule '" + rule.id()
                        + "' before it matches every order and never passes one on");
                return;
            }
            for (int j = 0; j < i; j++) {
                RuleSet.Rule earlier = rules.get(j);
                if (earlier.when().equals(rule.when()) && (earlier.hold() != null || earlier.otherwise() != null)) {
                    problems.add("rule '" + rule.id() + "': unreachable, rule '" + earlier.id()
                            + "' has the same conditions and never passes an order on");
                }
            }
            if (last) {
                if (!rule.when().always()) {
                    problems.add("rule '" + rule.id() + "': the last rule must be a catch-all (no when), so every order "
                            + "has a rule");
                } else if (rule.allocate() != null && rule.otherwise() == null) {
                    problems.add("rule '" + rule.id() + "' otherwise: the last rule must say which queue an order goes to "
                            + "when it cannot be filled (otherwise: {queue, reason})");
                }
            }
        }
    }

    private RuleSet.LocationRules location(JsonNode node, String where) {
        if (!node.isObject()) {
            problems.add(where + ": a mapping (" + String.join(", ", LOCATION) + ")");
            return RuleSet.LocationRules.NONE;
        }
        keys(node, LOCATION, where + ".");
        long safety = node.has("safetyStock") ? whole(node.get("safetyStock"), where + ".safetyStock", 0, 1_000_000) : 0;
        Integer capacity = node.has("dailyCapacity")
                ? (int) whole(node.get("dailyCapacity"), where + ".dailyCapacity", 1, 10_000_000) : null;
        LocalTime cutoff = null;
        if (node.has("cutoff")) {
            try {
                cutoff = LocalTime.parse(node.get("cutoff").asText());
            } catch (DateTimeParseException e) {
                problems.add(where + ".cutoff: a time of day such as \"15:00\", was \"" + node.get("cutoff").asText() + "\"");
            }
        }
        ZoneId zone = ZoneId.of("UTC");
        if (node.has("zone")) {
            try {
                zone = ZoneId.of(node.get("zone").asText());
            } catch (RuntimeException e) {
                problems.add(where + ".zone: a time zone such as Europe/Amsterdam, was \"" + node.get("zone").asText() + "\"");
            }
        }
        String country = node.has("country") ? country(node.get("country").asText(), where + ".country") : null;
        String postal = node.has("postalCode") ? node.get("postalCode").asText().replace(" ", "").toUpperCase(Locale.ROOT) : null;
        if (postal != null && (postal.isEmpty() || postal.length() > 16)) {
            problems.add(where + ".postalCode: 1 to 16 characters");
        }
        return new RuleSet.LocationRules(safety, capacity, cutoff, zone, country, postal);
    }

    private RuleSet.Rule rule(JsonNode node, int index, Set<String> knownTags) {
        String where = "rule " + index;
        if (!node.isObject()) {
            problems.add(where + ": a mapping with id, when, allocate or hold, otherwise");
            return null;
        }
        String id = node.path("id").asText("");
        if (!ID.matcher(id).matches()) {
            problems.add(where + " id: lower-case letters, digits, _ . - (at most 64), was \"" + id + "\"");
            id = "#" + index;
        }
        where = "rule '" + id + "'";
        keys(node, RULE, where + " ");
        RuleSet.When when = node.has("when") && !node.get("when").isNull() ? when(node.get("when"), where, knownTags)
                : RuleSet.When.ALWAYS;
        RuleSet.Allocate allocate = node.has("allocate") ? allocate(node.get("allocate"), where + " allocate") : null;
        RuleSet.Hold hold = node.has("hold") ? hold(node.get("hold"), where + " hold") : null;
        if ((allocate == null) == (hold == null)) {
            problems.add(where + ": needs exactly one of allocate or hold");
        }
        RuleSet.Hold otherwise = null;
        if (node.has("otherwise")) {
            JsonNode o = node.get("otherwise");
            if (o.isTextual() && o.asText().equals("next")) {
                otherwise = null;
            } else if (o.isObject()) {
                otherwise = hold(o, where + " otherwise");
            } else {
                problems.add(where + " otherwise: \"next\" or {queue, reason}");
            }
            if (hold != null) {
                problems.add(where + " otherwise: a rule that holds always fills its part; otherwise is for allocate");
            }
        }
        return new RuleSet.Rule(id, when, allocate, hold, otherwise);
    }

    private RuleSet.When when(JsonNode node, String where, Set<String> knownTags) {
        if (!node.isObject()) {
            problems.add(where + " when: a mapping of conditions (" + String.join(", ", WHEN) + ")");
            return RuleSet.When.ALWAYS;
        }
        String w = where + " when.";
        keys(node, WHEN, w);
        List<String> channelList = list(node, "channel", w);
        if (channelList != null) {
            channelList.stream().filter(c -> !channels.contains(c))
                    .forEach(c -> problems.add(w + "channel: no channel \"" + c + "\" is configured"));
        }
        List<String> modes = list(node, "fulfilmentMode", w);
        if (modes != null) {
            modes = modes.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
            for (String m : modes) {
                try {
                    FulfilmentMode.valueOf(m);
                } catch (IllegalArgumentException e) {
                    problems.add(w + "fulfilmentMode: one of " + List.of(FulfilmentMode.values()) + ", was \"" + m + "\"");
                }
            }
        }
        List<String> countries = countries(node, "country", w);
        List<String> notCountries = countries(node, "notCountry", w);
        List<String> regions = list(node, "region", w);
        List<String> notRegions = list(node, "notRegion", w);
        List<String> prefixes = prefixes(node, "postcodePrefix", w);
        List<String> notPrefixes = prefixes(node, "notPostcodePrefix", w);
        List<String> skus = node.has("sku") ? patterns(node.get("sku"), w + "sku") : null;
        List<String> tagList = list(node, "tag", w);
        if (tagList != null) {
            tagList.stream().filter(t -> !knownTags.contains(t))
                    .forEach(t -> problems.add(w + "tag: no tag \"" + t + "\" under tags"));
        }
        RuleSet.Range value = node.has("orderValue") ? range(node.get("orderValue"), w + "orderValue") : null;
        RuleSet.Range lines = node.has("lines") ? range(node.get("lines"), w + "lines") : null;
        Duration within = node.has("shipByWithin") ? duration(node.get("shipByWithin"), w + "shipByWithin") : null;
        List<String> stockAt = list(node, "stockAt", w);
        if (stockAt != null) {
            stockAt.stream().filter(l -> !locations.containsKey(l))
                    .forEach(l -> problems.add(w + "stockAt: no location \"" + l + "\" is configured"));
        }
        return new RuleSet.When(channelList, modes, countries, notCountries, regions, notRegions, prefixes, notPrefixes, skus,
                tagList, value, lines, within, stockAt);
    }

    private RuleSet.Allocate allocate(JsonNode node, String where) {
        if (!node.isObject()) {
            problems.add(where + ": a mapping (from, kinds, sort, split)");
            return null;
        }
        keys(node, ALLOCATE, where + ".");
        List<String> from = list(node, "from", where + ".");
        if (from == null || from.isEmpty()) {
            problems.add(where + ".from: the locations to allocate from, at least one (or channel: the order's channel's)");
            from = List.of();
        }
        from.stream().filter(l -> !locations.containsKey(l) && !(l.equals(RuleSet.Allocate.CHANNEL) && node.get("from").isTextual()))
                .forEach(l -> problems.add(where + ".from: no location \"" + l + "\" is configured (known: " + locations.keySet() + ")"));
        List<String> kinds = list(node, "kinds", where + ".");
        if (kinds != null) {
            kinds = kinds.stream().map(k -> k.toUpperCase(Locale.ROOT).replace('-', '_')).toList();
            for (String k : kinds) {
                try {
                    LocationKind.valueOf(k);
                } catch (IllegalArgumentException e) {
                    problems.add(where + ".kinds: one of " + List.of(LocationKind.values()) + ", was \"" + k + "\"");
                }
            }
        }
        List<RuleSet.SortKey> sort = new ArrayList<>();
        List<String> sortNames = list(node, "sort", where + ".");
        for (String s : sortNames == null ? List.of("fewestShipments", "listed") : sortNames) {
            switch (s) {
                case "fewestShipments" -> sort.add(RuleSet.SortKey.FEWEST_SHIPMENTS);
                case "listed" -> sort.add(RuleSet.SortKey.LISTED);
                case "proximity" -> sort.add(RuleSet.SortKey.PROXIMITY);
                default -> problems.add(where + ".sort: fewestShipments, listed or proximity, was \"" + s + "\"");
            }
        }
        if (!sort.contains(RuleSet.SortKey.LISTED)) {
            sort.add(RuleSet.SortKey.LISTED); // the last tie-break, so a decision is always the same
        }
        int maxShipments = 1;
        BigDecimal minPart = BigDecimal.ZERO;
        JsonNode split = node.path("split");
        if (!split.isMissingNode()) {
            if (split.isTextual() && split.asText().equals("none")) {
                maxShipments = 1;
            } else if (split.isObject()) {
                keys(split, SPLIT, where + ".split.");
                maxShipments = split.has("maxShipments") ? (int) whole(split.get("maxShipments"), where + ".split.maxShipments", 1, 5) : 2;
                minPart = split.has("minPartValue") ? decimal(split.get("minPartValue"), where + ".split.minPartValue") : BigDecimal.ZERO;
            } else {
                problems.add(where + ".split: none, or {maxShipments, minPartValue}");
            }
        }
        return new RuleSet.Allocate(List.copyOf(from), kinds, List.copyOf(sort), maxShipments, minPart);
    }

    private RuleSet.Hold hold(JsonNode node, String where) {
        if (!node.isObject()) {
            problems.add(where + ": a mapping (queue, reason, autoCancelAfter)");
            return null;
        }
        keys(node, HOLD, where + ".");
        String queue = node.path("queue").asText("");
        if (!ID.matcher(queue).matches()) {
            problems.add(where + ".queue: a queue name (lower-case letters, digits, _ . -), was \"" + queue + "\"");
        }
        String reason = node.path("reason").asText("");
        if (reason.isBlank() || reason.length() > 200) {
            problems.add(where + ".reason: why orders wait there, 1 to 200 characters");
        }
        Duration cancelAfter = node.has("autoCancelAfter") ? duration(node.get("autoCancelAfter"), where + ".autoCancelAfter") : null;
        return new RuleSet.Hold(queue, reason, cancelAfter);
    }

    // --- values -----------------------------------------------------------------------------

    private void keys(JsonNode node, Set<String> allowed, String where) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problems.add(where + name + ": not a key here (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private List<String> list(JsonNode node, String field, String where) {
        if (!node.has(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        List<String> out = new ArrayList<>();
        if (value.isTextual()) {
            out.add(value.asText());
        } else if (value.isArray()) {
            value.forEach(v -> out.add(v.asText()));
        } else {
            problems.add(where + field + ": a value or a list of values");
        }
        out.stream().filter(v -> v.isBlank() || v.length() > 64)
                .forEach(v -> problems.add(where + field + ": each value 1 to 64 characters"));
        return List.copyOf(out);
    }

    private List<String> countries(JsonNode node, String field, String where) {
        List<String> values = list(node, field, where);
        if (values == null) {
            return null;
        }
        return values.stream().map(v -> country(v, where + field)).toList();
    }

    private String country(String value, String where) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (!COUNTRY.matcher(upper).matches()) {
            problems.add(where + ": a two-letter country code (ISO 3166), was \"" + value + "\"");
        }
        return upper;
    }

    private List<String> prefixes(JsonNode node, String field, String where) {
        List<String> values = list(node, field, where);
        return values == null ? null : values.stream().map(v -> v.replace(" ", "").toUpperCase(Locale.ROOT)).toList();
    }

    private List<String> patterns(JsonNode node, String where) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(v -> out.add(v.asText()));
        } else {
            problems.add(where + ": a sku pattern or a list of them (* matches any characters)");
        }
        out.stream().filter(p -> !PATTERN.matcher(p).matches())
                .forEach(p -> problems.add(where + ": \"" + p + "\" is not a sku pattern (letters, digits, . _ / - and *)"));
        return List.copyOf(out);
    }

    private RuleSet.Range range(JsonNode node, String where) {
        if (!node.isObject()) {
            problems.add(where + ": {min, max} (either may be left out)");
            return null;
        }
        keys(node, RANGE, where + ".");
        BigDecimal min = node.has("min") ? decimal(node.get("min"), where + ".min") : null;
        BigDecimal max = node.has("max") ? decimal(node.get("max"), where + ".max") : null;
        if (min != null && max != null && min.compareTo(max) > 0) {
            problems.add(where + ": min is above max");
        }
        return new RuleSet.Range(min, max);
    }

    private BigDecimal decimal(JsonNode node, String where) {
        if (!node.isNumber() || node.decimalValue().signum() < 0) {
            problems.add(where + ": a number, 0 or more, was " + node);
            return BigDecimal.ZERO;
        }
        return node.decimalValue();
    }

    private long whole(JsonNode node, String where, long min, long max) {
        if (!node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
            problems.add(where + ": a whole number from " + min + " to " + max + ", was " + node);
            return min;
        }
        return node.asLong();
    }

    private Duration duration(JsonNode node, String where) {
        String text = node.asText("").trim().toLowerCase(Locale.ROOT);
        java.util.regex.Matcher m = Pattern.compile("(\\d{1,6})\\s*(m|h|d)").matcher(text);
        if (!m.matches()) {
            problems.add(where + ": a duration such as 30m, 12h or 2d, was \"" + node.asText() + "\"");
            return Duration.ZERO;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
