package dev.orderhub.connectors.webhook;

import java.io.IOException;
import java.util.List;

import com.sun.net.httpserver.Filter;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connectors.webhook.sandbox.WebhookSandbox;

/**
 * The tests' stand-in for a shop taking the webhook connector's stock batches: the connector's
 * sandbox ({@link WebhookSandbox}, main sources: the sink and its state, faults, rate limit and
 * tokens) plus the conformance suite's {@link StubTap} on its context. It serves from
 * construction.
 */
public final class WebhookStockStub extends WebhookSandbox {

    /** Every request and answer, and scripted faults ahead of the handler: for the conformance suite. */
    final StubTap tap = new StubTap(status -> "{\"error\":\"scripted HTTP " + status + "\"}");

    public WebhookStockStub() throws IOException {
        serve();
    }

    @Override
    protected List<Filter> filters() {
        return List.of(tap);
    }
}
