package dev.orderhub.connectors.amazon;

import dev.orderhub.conformance.OpenApiContract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The stub is seeded from the spec's sandbox: every static case gets the documented answer. */
class SandboxCasesTest {

    @Test
    void everySandboxStaticCaseOfTheImplementedOperationsGetsItsDocumentedAnswer() throws Exception {
        assumeTrue(OpenApiContract.available(), "the published SP-API models are not beside the project (../shared/specs)");
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        try (SpApiStub stub = new SpApiStub()) {
            assertThat(SpApiStub.SANDBOX.all()).as("cases read from the specs").hasSizeGreaterThan(15);
            for (SandboxCases.Case c : SpApiStub.SANDBOX.all()) {
                String query = c.query().entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
                HttpRequest request = HttpRequest.newBuilder(URI.create(stub.endpoint() + c.path() + (query.isEmpty() ? "" : "?" + query)))
                        .header("Content-Type", "application/json")
                        .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(c.body().toString()))
                        .build();
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(c.operation() + " " + c.path() + " " + c.query() + " " + c.body()).isEqualTo(c.status());
                if (c.status() != 204) {
                    assertThat(json.readTree(answer.body())).as(c.operation() + " answer").isEqualTo(c.response());
                }
            }
        }
    }
}
