package dev.orderhub.connectors.shipbob;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.connector.FulfilmentService;

/**
 * A hub order as ShipBob's CreateOrderModel: {@code reference_id} the hub order id (what makes a
 * retry find the order instead of making a second), {@code order_number} the channel's order id,
 * type {@code DTC}, the account's shipping method, the recipient and one product per line by
 * {@code reference_id} (the hub sku, which the seller's ShipBob products carry as their reference
 * id; {@code name} null, so ShipBob refuses an unknown sku instead of inventing a product), with
 * its position as {@code external_line_id}. Checked against ShipBob's limits first; a problem
 * names the field, never its value (it may be personal data).
 */
final class ShipBobOrderBody {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShipBobOrderBody() {
    }

    static List<String> problems(FulfilmentService.Request request) {
        List<String> problems = new ArrayList<>();
        if (request.hubOrderId() == null || request.hubOrderId().isBlank() || request.hubOrderId().length() > 300) {
            problems.add("reference_id (the hub order id): 1 to 300 characters");
        }
        if (request.channelOrderId() != null && request.channelOrderId().length() > 400) {
            problems.add("order_number (the channel order id): at most 400 characters");
        }
        FulfilmentService.Destination to = request.destination();
        if (to == null) {
            problems.add("ship-to: the order has no ship-to address");
        } else {
            text(problems, "ship-to name", to.name(), true, 300);
            text(problems, "ship-to line1", to.line1(), true, 300);
            text(problems, "ship-to line2", to.line2(), false, 300);
            text(problems, "ship-to city", to.city(), true, 100);
            text(problems, "ship-to region", to.region(), false, 100);
            text(problems, "ship-to postal code", to.postalCode(), false, 20);
            if (to.country() == null || !to.country().matches("[A-Z]{2}")) {
                problems.add("ship-to country: an ISO 3166-1 alpha-2 code in capitals is required");
            }
        }
        if (request.items().isEmpty()) {
            problems.add("lines: at least one");
        }
        for (int i = 0; i < request.items().size(); i++) {
            FulfilmentService.Item item = request.items().get(i);
            text(problems, "lines[" + i + "].sku", item.sku(), true, 100);
            if (item.qty() < 1 || item.qty() > 100_000) {
                problems.add("lines[" + i + "].qty: must be 1 to 100000");
            }
        }
        return problems;
    }

    private static void text(List<String> problems, String field, String value, boolean required, int max) {
        if (value == null || value.isBlank()) {
            if (required) {
                problems.add(field + ": is required");
            }
            return;
        }
        if (value.length() > max) {
            problems.add(field + ": at most " + max + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            problems.add(field + ": holds a control character");
        }
    }

    static ObjectNode of(FulfilmentService.Request request, String shippingMethod) {
        ObjectNode order = JSON.createObjectNode();
        order.put("reference_id", request.hubOrderId());
        if (request.channelOrderId() != null) {
            order.put("order_number", request.channelOrderId());
        }
        order.put("type", "DTC");
        order.put("shipping_method", shippingMethod);
        if (request.placedAt() != null) {
            order.put("purchase_date", request.placedAt().toString());
        }
        FulfilmentService.Destination to = request.destination();
        ObjectNode recipient = order.putObject("recipient");
        recipient.put("name", to.name().strip());
        ObjectNode address = recipient.putObject("address");
        address.put("address1", to.line1().strip());
        putIfGiven(address, "address2", to.line2());
        address.put("city", to.city().strip());
        putIfGiven(address, "state", to.region());
        putIfGiven(address, "zip_code", to.postalCode());
        address.put("country", to.country());
        ArrayNode products = order.putArray("products");
        int position = 0;
        for (FulfilmentService.Item item : request.items()) {
            ObjectNode product = products.addObject();
            product.put("reference_id", item.sku());
            product.put("quantity", item.qty());
            product.putNull("name");
            product.put("external_line_id", ++position);
        }
        return order;
    }

    private static void putIfGiven(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value.strip());
        }
    }
}
