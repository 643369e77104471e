package dev.orderhub.connector.manifest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a Kamelet file the way camel-kamelets' own ones are written: every property documented
 * and typed, secrets marked as credentials, and the template's {{placeholders}} and the declared
 * properties matching one to one.
 */
public final class KameletLint {

    static final String CREDENTIALS = "urn:camel:group:credentials";

    private static final Pattern USE = Pattern.compile("\\{\\{(\\??)([^{}]+)}}");
    private static final List<String> SECRET_WORDS = List.of("token", "secret", "password", "key");
    /** Camel's property functions ({{env:HOME}}): not Kamelet properties. */
    private static final Set<String> FUNCTIONS = Set.of("env", "sys", "sysenv", "service", "service.host", "service.port",
            "service.name", "bean", "ref", "properties");

    private KameletLint() {
    }

    /** Every problem in {@code kameletFile}, one line each naming the file and the key; empty when it is clean. */
    public static List<String> lint(Path kameletFile) {
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = ManifestReader.YAML.readTree(kameletFile.toFile());
        } catch (JsonProcessingException e) {
            return List.of(kameletFile + ": not valid YAML: " + e.getOriginalMessage().replaceAll("\\s+", " "));
        } catch (IOException e) {
            return List.of(kameletFile + ": unreadable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return List.of(kameletFile + ": is not a Kamelet (no mapping at the top level)");
        }
        if (!"Kamelet".equals(root.path("kind").asText())) {
            problems.add(kameletFile + ": kind: must be Kamelet, not \"" + root.path("kind").asText() + "\"");
        }
        String fileName = kameletFile.getFileName().toString();
        String stem = fileName.endsWith(ManifestReader.KAMELET_SUFFIX)
                ? fileName.substring(0, fileName.length() - ManifestReader.KAMELET_SUFFIX.length()) : fileName;
        String name = root.path("metadata").path("name").asText();
        if (!stem.equals(name)) {
            problems.add(kameletFile + ": metadata.name: \"" + name + "\" must equal the file's name \"" + stem + "\" (Camel finds a Kamelet by its file name)");
        }
        JsonNode definition = root.path("spec").path("definition");
        JsonNode properties = definition.path("properties");
        Set<String> declared = new LinkedHashSet<>();
        if (!properties.isMissingNode() && !properties.isObject()) {
            problems.add(kameletFile + ": spec.definition.properties: must be a mapping of property: schema");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String property = entry.getKey();
            String path = "spec.definition.properties." + property;
            JsonNode schema = entry.getValue();
            declared.add(property);
            for (String key : List.of("title", "description", "type")) {
                if (schema.path(key).asText().isBlank()) {
                    problems.add(kameletFile + ": " + path + ": missing " + key);
                }
            }
            String lower = property.toLowerCase(Locale.ROOT);
            boolean password = "password".equals(schema.path("format").asText());
            if (password || SECRET_WORDS.stream().anyMatch(lower::contains)) {
                if (!password) {
                    problems.add(kameletFile + ": " + path + ": looks like a secret: add format: password");
                }
                boolean credentials = false;
                for (JsonNode descriptor : schema.path("x-descriptors")) {
                    credentials |= CREDENTIALS.equals(descriptor.asText());
                }
                if (!credentials) {
                    problems.add(kameletFile + ": " + path + ": looks like a secret: add x-descriptors: [" + CREDENTIALS + "]");
                }
            }
        }
        JsonNode required = definition.path("required");
        for (int i = 0; i < required.size(); i++) {
            if (!declared.contains(required.get(i).asText())) {
                problems.add(kameletFile + ": spec.definition.required[" + i + "]: \"" + required.get(i).asText()
                        + "\" is not declared under spec.definition.properties" + ClosestName.hint(required.get(i).asText(), declared));
            }
        }
        JsonNode template = root.path("spec").path("template");
        if (template.isMissingNode()) {
            problems.add(kameletFile + ": spec.template: missing");
        }
        Set<String> used = new LinkedHashSet<>();
        uses(template, "spec.template", used, declared, problems, kameletFile);
        for (String property : declared) {
            if (!used.contains(property)) {
                problems.add(kameletFile + ": spec.definition.properties." + property + ": declared but never used in spec.template");
            }
        }
        return problems;
    }

    private static void uses(JsonNode node, String path, Set<String> used, Set<String> declared, List<String> problems, Path file) {
        if (node.isTextual()) {
            Matcher m = USE.matcher(node.asText());
            while (m.find()) {
                String name = m.group(2).trim();
                int colon = name.indexOf(':');
                if (colon >= 0) {
                    if (FUNCTIONS.contains(name.substring(0, colon))) {
                        continue;
                    }
                    name = name.substring(0, colon); // {{name:default}}
                }
                used.add(name);
                if (!declared.contains(name)) {
                    problems.add(file + ": " + path + ": {{" + m.group(1) + m.group(2) + "}} uses a property not declared under spec.definition.properties"
                            + ClosestName.hint(name, declared));
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                uses(node.get(i), path + "[" + i + "]", used, declared, problems, file);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                uses(field.getValue(), path + "." + field.getKey(), used, declared, problems, file);
            }
        }
    }
}
