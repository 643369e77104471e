package dev.orderhub.privacy;

import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.api.ApiException;
import dev.orderhub.api.JsonBodies;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.PersonalDataErasure;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A buyer's request to be forgotten (GDPR art. 17): {@code POST /api/privacy/erasures
 * {"email", "hubOrderIds", "reason"}} erases at once, whatever their status, the personal data
 * of the orders given and of every order of that email, and the payloads of exception store
 * entries that hold any of their emails. Answers what was erased.
 */
@RestController
@RequiresRole(Role.ADMIN)
@RequestMapping(path = "/api/privacy", produces = MediaType.APPLICATION_JSON_VALUE)
public class ErasureApi {

    static final int MAX_ORDERS = 1000;

    private final PersonalDataErasure erasure;
    private final ExceptionStore exceptions;
    private final JsonBodies bodies;

    public ErasureApi(PersonalDataErasure erasure, ExceptionStore exceptions, JsonBodies bodies) {
        this.erasure = erasure;
        this.exceptions = exceptions;
        this.bodies = bodies;
    }

    /** What was erased: the orders now, those erased before, ids that are no order, and how many exception payloads. */
    public record Erased(List<String> erasedOrders, List<String> alreadyErased, List<String> unknownOrders,
                         int exceptionPayloads) {
    }

    @PostMapping(path = "/erasures", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Transactional
    public ResponseEntity<Erased> erase(HttpServletRequest request) {
        JsonNode body = bodies.read(request);
        if (!body.isObject()) {
            throw invalid("body: must be a JSON object");
        }
        String email = text(body, "email", 200, false);
        List<String> ids = ids(body.get("hubOrderIds"));
        String reason = text(body, "reason", 500, true);
        if (email == null && ids.isEmpty()) {
            throw invalid("email, hubOrderIds: at least one is required");
        }
        PersonalDataErasure.Matched matched = erasure.eraseForBuyer(email, ids, "buyer request: " + reason);
        int payloads = exceptions.eraseContaining(matched.emails(), "personal data erased on a buyer's request: " + reason);
        return ResponseEntity.ok(new Erased(matched.erased(), matched.alreadyErased(), matched.unknown(), payloads));
    }

    private static List<String> ids(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("hubOrderIds: must be an array of order ids");
        }
        if (node.size() > MAX_ORDERS) {
            throw invalid("hubOrderIds: at most " + MAX_ORDERS + " ids, was " + node.size());
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode id = node.get(i);
            String at = "hubOrderIds[" + i + "]";
            if (!id.isTextual() || id.asText().isBlank()) {
                throw invalid(at + ": must be a non-blank string");
            }
            printable(at, id.asText(), 40);
            ids.add(id.asText());
        }
        return new ArrayList<>(ids);
    }

    private static String text(JsonNode body, String field, int maxLength, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw invalid(field + ": is required");
            }
            return null;
        }
        // The values are personal data: errors say what is wrong, never quote them.
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid(field + ": must be a non-blank string");
        }
        printable(field, node.asText(), maxLength);
        return node.asText().strip();
    }

    private static ApiException invalid(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_field", detail);
    }

    private static void printable(String field, String value, int maxLength) {
        if (value.length() > maxLength) {
            throw invalid(field + ": at most " + maxLength + " characters, was " + value.length());
        }
        if (value.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || Character.getType(c) == Character.UNASSIGNED || Character.getType(c) == Character.PRIVATE_USE)) {
            throw invalid(field + ": must be printable text (no control or format characters)");
        }
    }
}
