package dev.orderhub.connectors.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import dev.orderhub.connector.manifest.Capability;
import dev.orderhub.connector.manifest.ConnectorKind;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import org.junit.jupiter.api.Test;

/** What connectors/amazon/connector.yaml declares, as the connector's code relies on it. */
class AmazonManifestTest {

    @Test
    void theManifestDeclaresWhatTheConnectorReliesOn() {
        ConnectorManifest amazon = ConnectorManifests.read(Path.of("connectors", "amazon", "connector.yaml"));

        assertThat(amazon.kind()).isEqualTo(ConnectorKind.MARKETPLACE);
        assertThat(amazon.capabilities()).contains(Capability.ORDERS_IN, Capability.LISTINGS_IN, Capability.STOCK_OUT,
                Capability.FULFILMENT_TARGET);
        assertThat(amazon.whyNot(Capability.RETURNS)).hasValueSatisfying(reason -> assertThat(reason).isNotBlank());
        assertThat(amazon.operation("searchOrders").orElseThrow().rate()).isEqualTo(0.0056);
        assertThat(amazon.operation("searchOrders").orElseThrow().maxBackoff()).isEqualTo(Duration.ofSeconds(8));
        assertThat(amazon.operation("stock-push").orElseThrow().batch()).isEqualTo(1000);
        assertThat(amazon.stockSinkEndpoint()).as("Amazon's stock out is its StockOut bean").isEmpty();
        assertThat(amazon.property("clientSecret").orElseThrow().secret()).isTrue();
        assertThat(amazon.property("endpoint").orElseThrow().required()).isTrue();
        for (String operation : new String[] {"searchOrders", "getOrder", "confirmShipment", "patchListingsItem",
                "searchListingsItems", "createFeedDocument", "uploadFeedDocument", "createFeed", "getFeed", "getFeedDocument",
                "downloadFeedDocument", "getInventorySummaries", "createFulfillmentOrder", "getFulfillmentOrder",
                "getPackageTrackingDetails", "cancelFulfillmentOrder"}) {
            assertThat(amazon.operation(operation)).as(operation + " has its policy (SpApiClient needs one per call)")
                    .hasValueSatisfying(policy -> assertThat(policy.rate()).isPositive());
        }
    }
}
