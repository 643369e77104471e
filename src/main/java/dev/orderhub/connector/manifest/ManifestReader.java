package dev.orderhub.connector.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads one connector.yaml strictly: every key at every level must be known, every value must
 * follow its rule (docs/connector-manifest.md). Walks the YAML tree itself rather than binding
 * with Jackson's FAIL_ON_UNKNOWN_PROPERTIES, so that it reports every problem at once, each as
 * one line with the file and the key path, instead of stopping at the first.
 */
final class ManifestReader {

    static final String FILE_NAME = "connector.yaml";
    static final String KAMELET_SUFFIX = ".kamelet.yaml";

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{1,30}");
    static final Pattern PROPERTY_NAME = Pattern.compile("[a-z][a-zA-Z0-9]*");
    static final Pattern OPERATION_NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]*");
    static final Pattern SPEC = Pattern.compile("[a-z0-9][a-z0-9-]*");
    static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    static final Pattern HOST_PROPERTY = Pattern.compile("\\$\\{([^}]*)}");

    static final List<String> TOP = List.of("name", "kind", "title", "description", "spec", "capabilities", "lacks",
            "hosts", "properties", "operations");
    static final List<String> PROPERTY = List.of("title", "description", "type", "format", "pattern", "enum", "default",
            "example", "required", "secret", "items");
    static final List<String> ITEMS = List.of("type", "pattern", "enum");
    static final List<String> OPERATION = List.of("rate", "burst", "timeout", "attempts", "backoff", "maxBackoff", "batch");

    private final Path file;
    private final List<String> problems = new ArrayList<>();

    private ManifestReader(Path file) {
        this.file = file;
    }

    /** The manifest in {@code file}, or a {@link ConnectorConfigurationException} with every problem in it. */
    static ConnectorManifest read(Path file) {
        ManifestReader reader = new ManifestReader(file);
        ConnectorManifest manifest = reader.manifest();
        ConnectorConfigurationException.throwIfAny(reader.problems);
        return manifest;
    }

    private ConnectorManifest manifest() {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            problems.add(file + ": not valid YAML: " + e.getOriginalMessage().replaceAll("\\s+", " ")
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
            return null;
        } catch (IOException e) {
            problems.add(file + ": unreadable: " + e.getMessage());
            return null;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            problems.add(file + ": is empty (a manifest needs at least name, kind, title, description, capabilities)");
            return null;
        }
        Map<String, JsonNode> top = fields(root, "", TOP, List.of("name", "kind", "title", "description", "capabilities"));
        if (top == null) {
            return null;
        }
        String folder = file.toAbsolutePath().normalize().getParent().getFileName().toString();
        String name = text(top.get("name"), "name");
        if (name != null && !NAME.matcher(name).matches()) {
            problem("name", "\"" + name + "\" must be lower case letters, digits and dashes, 2-31 long, starting with a letter or digit");
        } else if (name != null && !name.equals(folder)) {
            problem("name", "\"" + name + "\" must equal its folder's name \"" + folder + "\"");
        }
        ConnectorKind kind = null;
        String kindText = text(top.get("kind"), "kind");
        if (kindText != null) {
            kind = ConnectorKind.byId(kindText).orElse(null);
            if (kind == null) {
                problem("kind", "unknown kind \"" + kindText + "\"" + ClosestName.hint(kindText, ConnectorKind.ids())
                        + " (known: " + String.join(", ", ConnectorKind.ids()) + ")");
            }
        }
        String title = text(top.get("title"), "title");
        String description = text(top.get("description"), "description");
        String spec = null;
        if (top.containsKey("spec")) {
            spec = text(top.get("spec"), "spec");
            if (spec != null && !SPEC.matcher(spec).matches()) {
                problem("spec", "\"" + spec + "\" must be the name of a folder under ../shared/specs, e.g. amazon-sp-api");
            }
        }
        Set<Capability> capabilities = capabilities(top.get("capabilities"));
        Map<Capability, String> lacks = top.containsKey("lacks") ? lacks(top.get("lacks"), capabilities) : Map.of();
        for (Capability capability : Capability.values()) {
            if (!capabilities.contains(capability) && !lacks.containsKey(capability) && !mentionedBroken.contains(capability.id())) {
                problem("lacks", "capability \"" + capability.id() + "\" (" + capability.meaning()
                        + ") is in neither capabilities nor lacks: add it to lacks with the reason it is missing");
            }
        }
        Map<String, PropertySpec> properties = new LinkedHashMap<>();
        if (top.containsKey("properties")) {
            Map<String, JsonNode> declared = fields(top.get("properties"), "properties", null, List.of());
            if (declared != null) {
                declared.forEach((key, node) -> {
                    if (!PROPERTY_NAME.matcher(key).matches()) {
                        problem("properties." + key, "a property name is camelCase letters and digits, starting with a lower case letter");
                    }
                    PropertySpec property = property(node, "properties." + key);
                    if (property != null) {
                        properties.put(key, property);
                    }
                });
            }
        }
        List<String> hosts = top.containsKey("hosts") ? hosts(top.get("hosts"), properties, top.get("properties")) : List.of();
        Map<String, OperationPolicy> operations = new LinkedHashMap<>();
        if (top.containsKey("operations")) {
            Map<String, JsonNode> declared = fields(top.get("operations"), "operations", null, List.of());
            if (declared != null) {
                declared.forEach((key, node) -> {
                    if (!OPERATION_NAME.matcher(key).matches()) {
                        problem("operations." + key, "an operation name is letters, digits and dashes, starting with a letter");
                    }
                    OperationPolicy operation = operation(node, "operations." + key);
                    if (operation != null) {
                        operations.put(key, operation);
                    }
                });
            }
        }
        List<String> kamelets = kamelets();

        if (!problems.isEmpty()) {
            return null;
        }
        return new ConnectorManifest(name, kind, title, description, spec, capabilities, lacks, hosts, properties,
                operations, file.getParent(), kamelets);
    }

    /** Capabilities named wrongly once, so they are not reported a second time as missing. */
    private final Set<String> mentionedBroken = new LinkedHashSet<>();

    private Set<Capability> capabilities(JsonNode node) {
        Set<Capability> found = EnumSet.noneOf(Capability.class);
        List<JsonNode> entries = list(node, "capabilities");
        if (entries == null) {
            return found;
        }
        if (entries.isEmpty()) {
            problem("capabilities", "must name at least one capability (known: " + String.join(", ", Capability.ids()) + ")");
        }
        for (int i = 0; i < entries.size(); i++) {
            String id = text(entries.get(i), "capabilities[" + i + "]");
            if (id == null) {
                continue;
            }
            Capability capability = Capability.byId(id).orElse(null);
            if (capability == null) {
                problem("capabilities[" + i + "]", unknownCapability(id));
                ClosestName.to(id, Capability.ids()).ifPresent(mentionedBroken::add);
            } else if (!found.add(capability)) {
                problem("capabilities[" + i + "]", "\"" + id + "\" is listed twice");
            }
        }
        return found;
    }

    private Map<Capability, String> lacks(JsonNode node, Set<Capability> capabilities) {
        Map<Capability, String> lacks = new EnumMap<>(Capability.class);
        Map<String, JsonNode> entries = fields(node, "lacks", null, List.of());
        if (entries == null) {
            return lacks;
        }
        entries.forEach((id, reasonNode) -> {
            Capability capability = Capability.byId(id).orElse(null);
            if (capability == null) {
                problem("lacks." + id, unknownCapability(id));
                ClosestName.to(id, Capability.ids()).ifPresent(mentionedBroken::add);
                return;
            }
            String reason = text(reasonNode, "lacks." + id);
            if (reason == null) {
                mentionedBroken.add(id);
            } else if (capabilities.contains(capability)) {
                problem("lacks." + id, "\"" + id + "\" is in capabilities too: a connector either has a capability or lacks it");
            } else {
                lacks.put(capability, reason);
            }
        });
        return lacks;
    }

    private String unknownCapability(String id) {
        return "unknown capability \"" + id + "\"" + ClosestName.hint(id, Capability.ids()) + " (known: "
                + String.join(", ", Capability.ids()) + ")";
    }

    private List<String> hosts(JsonNode node, Map<String, PropertySpec> properties, JsonNode declared) {
        List<String> hosts = new ArrayList<>();
        List<JsonNode> entries = list(node, "hosts");
        if (entries == null) {
            return hosts;
        }
        for (int i = 0; i < entries.size(); i++) {
            String path = "hosts[" + i + "]";
            String host = text(entries.get(i), path);
            if (host == null) {
                continue;
            }
            Matcher placeholder = HOST_PROPERTY.matcher(host);
            if (placeholder.matches()) {
                String property = placeholder.group(1);
                boolean isDeclared = declared != null && declared.has(property);
                if (!isDeclared) {
                    problem(path, "\"" + host + "\" names no declared property" + ClosestName.hint(property, fieldNames(declared)));
                } else if (properties.containsKey(property) && properties.get(property).type() != PropertyType.STRING) {
                    problem(path, "\"" + host + "\": property " + property + " must be a string (a URI or a host name) to give a host");
                }
            } else if (host.contains("${")) {
                problem(path, "\"" + host + "\": a property stands alone, as \"${endpoint}\", never inside a host name");
            } else if (!HOST.matcher(host).matches()) {
                problem(path, "\"" + host + "\" is not a host name (lower case, no scheme, port or path; *.example.com for any host under example.com)");
            }
            if (hosts.contains(host)) {
                problem(path, "\"" + host + "\" is listed twice");
            }
            hosts.add(host);
        }
        return hosts;
    }

    private PropertySpec property(JsonNode node, String path) {
        Map<String, JsonNode> keys = fields(node, path, PROPERTY, List.of("title", "description", "type"));
        if (keys == null) {
            return null;
        }
        int before = problems.size();
        String title = text(keys.get("title"), path + ".title");
        String description = text(keys.get("description"), path + ".description");
        PropertyType type = type(keys.get("type"), path + ".type", false);
        PropertyFormat format = null;
        if (keys.containsKey("format")) {
            String text = text(keys.get("format"), path + ".format");
            if (text != null) {
                format = PropertyFormat.byId(text).orElse(null);
                if (format == null) {
                    problem(path + ".format", "unknown format \"" + text + "\"" + ClosestName.hint(text, PropertyFormat.ids())
                            + " (known: " + String.join(", ", PropertyFormat.ids()) + ")");
                } else if (type != null && type != PropertyType.STRING) {
                    problem(path + ".format", "a format applies to a string, not to " + type);
                }
            }
        }
        String pattern = keys.containsKey("pattern") ? pattern(keys.get("pattern"), path + ".pattern", type) : null;
        boolean required = flag(keys.get("required"), path + ".required");
        boolean secret = flag(keys.get("secret"), path + ".secret");
        if (secret && type != null && type != PropertyType.STRING) {
            problem(path + ".secret", "a secret is a string, not " + type);
        }
        if (format == PropertyFormat.PASSWORD && !secret) {
            problem(path + ".format", "format password marks a secret: add secret: true");
        }
        PropertySpec.Items items = null;
        if (keys.containsKey("items")) {
            if (type != null && type != PropertyType.ARRAY) {
                problem(path + ".items", "items apply to an array, not to " + type);
            } else {
                items = items(keys.get("items"), path + ".items");
            }
        }
        List<Object> enumValues = List.of();
        if (keys.containsKey("enum")) {
            if (type == PropertyType.ARRAY || type == PropertyType.BOOLEAN) {
                problem(path + ".enum", type == PropertyType.ARRAY ? "an array's allowed values go under items.enum"
                        : "a boolean needs no enum");
            } else if (type != null) {
                enumValues = enumValues(keys.get("enum"), path + ".enum", type, format, pattern);
            }
        }
        if (problems.size() > before || type == null) {
            return null;
        }
        PropertySpec withoutValues = new PropertySpec(title, description, type, format, pattern, enumValues, null, null,
                required, secret, items);
        Object defaultValue = null;
        if (keys.containsKey("default")) {
            if (required) {
                problem(path + ".default", "a required property is never missing, so its default would never apply: drop one of them");
            } else if (secret) {
                problem(path + ".default", "a secret has no default: it comes from the environment");
            } else {
                defaultValue = value(withoutValues, keys.get("default"), path + ".default");
            }
        }
        Object example = null;
        if (keys.containsKey("example")) {
            if (secret) {
                example = YAML.convertValue(keys.get("example"), Object.class);
                if (!(example instanceof String text) || !ConnectorSettings.PLACEHOLDER.matcher(text).find()) {
                    problem(path + ".example", "an example of a secret must be a placeholder like ${MYSHOP_STOCK_TOKEN}, never a value");
                }
            } else {
                example = value(withoutValues, keys.get("example"), path + ".example");
            }
        }
        return new PropertySpec(title, description, type, format, pattern, enumValues, defaultValue, example, required,
                secret, items);
    }

    private PropertySpec.Items items(JsonNode node, String path) {
        Map<String, JsonNode> keys = fields(node, path, ITEMS, List.of("type"));
        if (keys == null) {
            return null;
        }
        PropertyType type = type(keys.get("type"), path + ".type", true);
        String pattern = keys.containsKey("pattern") ? pattern(keys.get("pattern"), path + ".pattern", type) : null;
        List<Object> enumValues = keys.containsKey("enum") && type != null
                ? enumValues(keys.get("enum"), path + ".enum", type, null, pattern) : List.of();
        return type == null ? null : new PropertySpec.Items(type, pattern, enumValues);
    }

    private PropertyType type(JsonNode node, String path, boolean element) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        List<String> allowed = element ? List.of("string", "integer", "number", "boolean") : PropertyType.ids();
        PropertyType type = PropertyType.byId(text).filter(t -> allowed.contains(t.id())).orElse(null);
        if (type == null) {
            problem(path, (text.equals("object") ? "type object is not allowed: declare flat properties"
                    : "unknown type \"" + text + "\"" + ClosestName.hint(text, allowed)) + " (known: " + String.join(", ", allowed) + ")");
        }
        return type;
    }

    private String pattern(JsonNode node, String path, PropertyType type) {
        String pattern = text(node, path);
        if (pattern == null) {
            return null;
        }
        if (type != null && type != PropertyType.STRING) {
            problem(path, "a pattern applies to a string, not to " + type);
            return null;
        }
        try {
            Pattern.compile(pattern);
            return pattern;
        } catch (PatternSyntaxException e) {
            problem(path, "\"" + pattern + "\" is not a regular expression: " + e.getDescription() + " at index " + e.getIndex());
            return null;
        }
    }

    private List<Object> enumValues(JsonNode node, String path, PropertyType type, PropertyFormat format, String pattern) {
        List<JsonNode> entries = list(node, path);
        if (entries == null) {
            return List.of();
        }
        if (entries.isEmpty()) {
            problem(path, "must list at least one allowed value");
        }
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                values.add(PropertySpec.scalar(type, format, pattern, List.of(), YAML.convertValue(entries.get(i), Object.class), false));
            } catch (PropertySpec.BadValue e) {
                problem(path + "[" + i + "]", e.getMessage());
            }
        }
        return values;
    }

    private Object value(PropertySpec property, JsonNode node, String path) {
        try {
            return property.convert(YAML.convertValue(node, Object.class));
        } catch (PropertySpec.BadValue e) {
            problem(path, e.getMessage());
            return null;
        }
    }

    private OperationPolicy operation(JsonNode node, String path) {
        Map<String, JsonNode> keys = fields(node, path, OPERATION, List.of());
        if (keys == null) {
            return null;
        }
        if (keys.isEmpty()) {
            problem(path, "declares nothing: give at least one of " + String.join(", ", OPERATION));
            return null;
        }
        Double rate = null;
        if (keys.containsKey("rate")) {
            JsonNode r = keys.get("rate");
            if (!r.isNumber() || r.asDouble() <= 0) {
                problem(path + ".rate", "must be a number of requests per second greater than 0, not " + r);
            } else {
                rate = r.asDouble();
            }
        }
        Integer burst = whole(keys.get("burst"), path + ".burst");
        if (keys.containsKey("rate") != keys.containsKey("burst")) {
            problem(path, "rate and burst go together: give both (burst 1 spaces requests evenly)");
        }
        Duration timeout = duration(keys.get("timeout"), path + ".timeout");
        Integer attempts = whole(keys.get("attempts"), path + ".attempts");
        Duration backoff = duration(keys.get("backoff"), path + ".backoff");
        Duration maxBackoff = duration(keys.get("maxBackoff"), path + ".maxBackoff");
        if (keys.containsKey("maxBackoff") && !keys.containsKey("backoff")) {
            problem(path + ".maxBackoff", "needs backoff, the first wait it grows from");
        } else if (backoff != null && maxBackoff != null && maxBackoff.compareTo(backoff) < 0) {
            problem(path + ".maxBackoff", keys.get("maxBackoff").asText() + " is shorter than backoff " + keys.get("backoff").asText());
        }
        Integer batch = whole(keys.get("batch"), path + ".batch");
        return new OperationPolicy(rate, burst, timeout, attempts, backoff, maxBackoff, batch);
    }

    private Integer whole(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 1) {
            problem(path, "must be a whole number of at least 1, not " + node);
            return null;
        }
        return node.asInt();
    }

    private Duration duration(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        Duration duration = node.isTextual() ? DurationText.parse(node.asText()).orElse(null) : null;
        if (duration == null || duration.isZero()) {
            problem(path, "must be " + DurationText.RULE + " (longer than 0), not " + node);
            return null;
        }
        return duration;
    }

    private List<String> kamelets() {
        Path folder = file.getParent() == null ? Path.of(".") : file.getParent();
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(KAMELET_SUFFIX))
                    .map(f -> f.substring(0, f.length() - KAMELET_SUFFIX.length())).sorted().toList();
        } catch (IOException e) {
            problems.add(folder + ": unreadable: " + e.getMessage());
            return List.of();
        }
    }

    // --- the YAML tree, with one-line problems --------------------------------------------------

    /** The keys of a mapping, each known; {@code known} null means any key. */
    private Map<String, JsonNode> fields(JsonNode node, String path, List<String> known, List<String> required) {
        if (node == null || !node.isObject()) {
            problem(path, "must be a mapping of key: value, not " + describe(node));
            return null;
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (known != null && !known.contains(field.getKey())) {
                problems.add(file + ": unknown key \"" + field.getKey() + "\" " + at(path)
                        + ClosestName.hint(field.getKey(), known) + " (known: " + String.join(", ", known) + ")");
            } else {
                fields.put(field.getKey(), field.getValue());
            }
        }
        for (String key : required) {
            if (!node.has(key)) {
                problems.add(file + ": missing key \"" + key + "\" " + at(path));
            }
        }
        return fields;
    }

    private List<JsonNode> list(JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            problem(path, "must be a list, not " + describe(node));
            return null;
        }
        List<JsonNode> entries = new ArrayList<>();
        node.elements().forEachRemaining(entries::add);
        return entries;
    }

    private String text(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            problem(path, "must be a text that is not blank, not " + describe(node));
            return null;
        }
        return node.asText();
    }

    private boolean flag(JsonNode node, String path) {
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            problem(path, "must be true or false, not " + describe(node));
            return false;
        }
        return node.asBoolean();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node != null) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isTextual() ? "\"" + node.asText() + "\"" : node.toString();
    }

    private static String at(String path) {
        return path.isEmpty() ? "at the top level" : "at " + path;
    }

    private void problem(String path, String what) {
        problems.add(file + ": " + path + ": " + what);
    }
}
