package dev.orderhub.connector.manifest;

import java.util.List;

/**
 * A connector manifest, a Kamelet or a channel's connector properties are wrong. Carries every
 * problem found, one line each naming the file (or configuration source), the key and what is
 * wrong; the message is those lines.
 */
public class ConnectorConfigurationException extends RuntimeException {

    private final List<String> problems;

    public ConnectorConfigurationException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    public static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConnectorConfigurationException(problems);
        }
    }
}
