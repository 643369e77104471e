package dev.orderhub.connectors.bol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.ChannelOrder;
import org.junit.jupiter.api.Test;

/** The mapping of a bol order to the canonical order, the cursor's filters, transporter and reason codes. */
class BolMappingTest {

    static final String ORDER = """
            {"orderId":"A2K8290LP8","pickupPoint":false,"orderPlacedDateTime":"2026-11-26T10:15:00+01:00",
             "shipmentDetails":{"salutation":"MALE","firstName":"Billie","surname":"Jansen","streetName":"Dorpstraat",
               "houseNumber":"1","houseNumberExtension":"B","extraAddressInformation":"Apartment","zipCode":"1111ZZ",
               "city":"Utrecht","countryCode":"NL","email":"billie@verkopen.bol.com"},
             "orderItems":[
               {"orderItemId":"9223372036854775807","cancellationRequest":false,
                "fulfilment":{"method":"%s","latestDeliveryDate":"2026-11-28","timeFrameType":"REGULAR"},
                "offer":{"offerId":"6ff736b5-cdd0-4150-8c67-78269ee986f5","reference":"SKU-RED"},
                "product":{"ean":"0000007740404","title":"Red"},
                "quantity":3,"quantityShipped":0,"quantityCancelled":1,"unitPrice":1234567.89,"totalPrice":2469135.78,
                "commission":5.18,"discounts":[],"latestChangedDateTime":"2026-11-26T10:16:00+01:00"},
               {"orderItemId":"2012345679","cancellationRequest":%s,
                "fulfilment":{"method":"%s","timeFrameType":"REGULAR"},
                "product":{"ean":"0000007740411","title":"Blue"},
                "quantity":1,"quantityShipped":0,"quantityCancelled":0,"unitPrice":0.1,"totalPrice":0.1,
                "commission":0.01,"discounts":[],"latestChangedDateTime":"2026-11-26T10:16:00+01:00"}]}""";

    static JsonNode order(String first, boolean cancelRequest, String second) throws Exception {
        return BolAccounts.JSON.readTree(ORDER.formatted(first, cancelRequest, second));
    }

    static JsonNode canonical(ChannelOrder order) throws Exception {
        String json = order instanceof ChannelOrder.Placed p ? p.canonical() : ((ChannelOrder.CancelRequested) order).order().canonical();
        return BolAccounts.JSON.readTree(json);
    }

    @Test
    void anFbrOrderIsMerchantFulfilledWithEveryFieldIdsAndMoneyExact() throws Exception {
        ChannelOrder order = BolOrders.toChannelOrder(order("FBR", false, "FBR"), "{}");

        assertThat(order).isInstanceOf(ChannelOrder.Placed.class);
        JsonNode canonical = canonical(order);
        assertThat(canonical.path("channelOrderId").asText()).isEqualTo("A2K8290LP8");
        assertThat(canonical.path("fulfilmentMode").asText()).isEqualTo("MERCHANT");
        assertThat(canonical.path("placedAt").asText()).isEqualTo("2026-11-26T09:15:00Z");
        assertThat(canonical.path("deliverBy").asText()).as("end of the latest delivery day in Amsterdam").isEqualTo("2026-11-28T22:59:59Z");
        assertThat(canonical.path("currency").asText()).isEqualTo("EUR");
        JsonNode shipTo = canonical.path("shipTo");
        assertThat(shipTo.path("name").asText()).isEqualTo("Billie Jansen");
        assertThat(shipTo.path("line1").asText()).isEqualTo("Dorpstraat 1B");
        assertThat(shipTo.path("line2").asText()).isEqualTo("Apartment");
        assertThat(shipTo.path("postalCode").asText()).isEqualTo("1111ZZ");
        assertThat(shipTo.path("city").asText()).isEqualTo("Utrecht");
        assertThat(shipTo.path("country").asText()).isEqualTo("NL");
        JsonNode first = canonical.path("lines").get(0);
        assertThat(first.path("lineId").isTextual()).as("64-bit id as text").isTrue();
        assertThat(first.path("lineId").asText()).isEqualTo("9223372036854775807");
        assertThat(first.path("sku").asText()).as("the offer's reference").isEqualTo("SKU-RED");
        assertThat(first.path("qty").asInt()).as("ordered less cancelled").isEqualTo(2);
        assertThat(first.path("unitPrice").asText()).as("exact, never a double").isEqualTo("1234567.89");
        JsonNode second = canonical.path("lines").get(1);
        assertThat(second.path("sku").asText()).as("no reference: the EAN").isEqualTo("0000007740411");
        assertThat(second.path("unitPrice").asText()).isEqualTo("0.1");
    }

    @Test
    void anFbbOrderIsRecordedAsChannelFulfilled() throws Exception {
        JsonNode canonical = canonical(BolOrders.toChannelOrder(order("FBB", false, "FBB"), "{}"));
        assertThat(canonical.path("fulfilmentMode").asText()).isEqualTo("CHANNEL");
        assertThat(canonical.path("lines")).hasSize(2);
    }

    @Test
    void aMixedOrderReservesItsFbrItemsOnly() throws Exception {
        JsonNode canonical = canonical(BolOrders.toChannelOrder(order("FBR", false, "FBB"), "{}"));
        assertThat(canonical.path("fulfilmentMode").asText()).isEqualTo("MERCHANT");
        assertThat(canonical.path("lines")).hasSize(1);
        assertThat(canonical.path("lines").get(0).path("lineId").asText()).isEqualTo("9223372036854775807");
    }

    @Test
    void aBuyersCancellationRequestIsACancelRequestCarryingTheOrder() throws Exception {
        ChannelOrder order = BolOrders.toChannelOrder(order("FBR", true, "FBR"), "{}");
        assertThat(order).isInstanceOf(ChannelOrder.CancelRequested.class);
        assertThat(((ChannelOrder.CancelRequested) order).order().channelOrderId()).isEqualTo("A2K8290LP8");
    }

    @Test
    void anItemWithoutOfferAndProductIsUnreadable() throws Exception {
        JsonNode order = order("FBR", false, "FBR");
        ((com.fasterxml.jackson.databind.node.ObjectNode) order.path("orderItems").get(1)).remove("product");
        assertThat(BolOrders.toChannelOrder(order, "{}")).isInstanceOf(ChannelOrder.Unreadable.class);
    }

    @Test
    void theCursorAsksForTheMinutesSinceItOrDayByDayPastAnHour() {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        assertThat(BolOrders.first(null, now).toString()).as("first poll: the open orders").isEqualTo(now + "|open|-|1");
        assertThat(BolOrders.first("2026-11-26T11:50:30Z", now).toString()).as("9.5 min: 10 and one more")
                .isEqualTo(now + "|interval|11|1");
        assertThat(BolOrders.first("2026-11-26T09:00:00Z", now).toString()).as("3 h: from the cursor's day")
                .isEqualTo(now + "|day|2026-11-26|1");
        assertThat(BolOrders.first("2026-01-01T09:00:00Z", now).toString()).as("past bol's three months")
                .isEqualTo(now + "|day|2026-08-26|1");
        assertThat(BolOrders.first("2026-11-27T09:00:00Z", now)).as("a cursor past now reads nothing").isNull();
    }

    @Test
    void carriersMapToBolTransporterCodesAndReasonsToItsEnum() {
        assertThat(Transporters.code("PostNL")).isEqualTo("POSTNL");
        assertThat(Transporters.code("DHL Parcel")).isEqualTo("DHL");
        assertThat(Transporters.code("dpd-nl")).isEqualTo("DPD");
        assertThat(Transporters.code("Bringme")).as("unknown: OTHER").isEqualTo("OTHER");
        assertThat(BolCancelOut.reasonCode("out of stock")).isEqualTo("OUT_OF_STOCK");
        assertThat(BolCancelOut.reasonCode("buyer asked")).isEqualTo("REQUESTED_BY_CUSTOMER");
        assertThat(BolCancelOut.reasonCode("whatever")).isEqualTo("OTHER");
    }
}
