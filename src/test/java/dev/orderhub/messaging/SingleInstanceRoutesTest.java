package dev.orderhub.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import dev.orderhub.HubTest;
import org.apache.camel.CamelContext;
import org.apache.camel.component.master.MasterEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The hub's single-instance routes say so in their URIs: each consumes through {@code master:}
 * on its lease (names unchanged), over the lease table through {@link LeaseClusterService},
 * and this lone instance leads every one of them.
 */
@HubTest
class SingleInstanceRoutesTest {

    /** Each route's id, which is also its lease's name (the names the lease table always had). */
    static final List<String> ROUTES = List.of("outbox-relay", "stock-push", "stock-reconcile", "retention",
            "personal-data-retention", "fulfilment-auto-route");

    @Autowired
    CamelContext camel;

    @Autowired
    LeaseClusterService cluster;

    @Autowired
    ClusterLeases leases;

    @Autowired
    JdbcClient jdbc;

    @Test
    void eachSingleInstanceRouteConsumesThroughItsLeaseAndThisInstanceLeadsIt() {
        assertThat(camel.hasService(LeaseClusterService.class)).as("the cluster service bean is a Camel service").isSameAs(cluster);
        ROUTES.forEach(route -> {
            var endpoint = camel.getRoute(route).getEndpoint();
            assertThat(endpoint).as(route).isInstanceOf(MasterEndpoint.class);
            assertThat(((MasterEndpoint) endpoint).getNamespace()).as(route).isEqualTo(route);
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> ROUTES.forEach(lease -> {
            assertThat(cluster.isLeader(lease)).as(lease).isTrue();
            assertThat(jdbc.sql("SELECT holder FROM cluster_leases WHERE name = :name").param("name", lease)
                    .query(String.class).single()).as(lease).isEqualTo(leases.holder());
        }));
    }
}
