package dev.orderhub.connector.manifest;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a start-up failure over connector configuration into its problem lines, without the stack trace. */
public class ConnectorConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ConnectorConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConnectorConfigurationException cause) {
        int count = cause.problems().size();
        String description = "The connector configuration has " + count + (count == 1 ? " problem" : " problems") + ":\n\n    "
                + String.join("\n    ", cause.problems());
        return new FailureAnalysis(description,
                "Fix each line above: the manifest format and the rules for channel properties are in docs/connector-manifest.md.",
                cause);
    }
}
