package dev.orderhub.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

/** Which failures mean the sink itself cannot be created (the channel unusable), and which are the remote's. */
class WebhookSinkCreationTest {

    @Test
    void aRouteOrEndpointThatCannotBeCreatedMakesTheChannelUnusableARemoteFailureDoesNot() {
        assertThat(WebhookStockOut.cannotBeCreated(new ResolveEndpointFailedException("kamelet:webhook-stock-sink/x", "bad")))
                .isTrue();
        assertThat(WebhookStockOut.cannotBeCreated(new RuntimeCamelException(
                new FailedToCreateRouteException("stock-sink-x", "route", "kamelet", new IllegalArgumentException("no url"))))).isTrue();
        assertThat(WebhookStockOut.cannotBeCreated(new IllegalStateException("HTTP 503"))).isFalse();
        assertThat(WebhookStockOut.cannotBeCreated(new java.net.ConnectException("refused"))).isFalse();
    }
}
