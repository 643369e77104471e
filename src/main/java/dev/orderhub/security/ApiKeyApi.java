package dev.orderhub.security;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.api.JsonBodies;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys, for admins: {@code POST /api/keys {"name", "role", "channels"?}} answers the key
 * once; the list never shows a key again; rotate issues a new key for the same name and role
 * (the old one stops working); revoke ends a key.
 */
@RestController
@RequestMapping(path = "/api/keys", produces = MediaType.APPLICATION_JSON_VALUE)
@RequiresRole(Role.ADMIN)
public class ApiKeyApi {

    private final ApiKeys keys;
    private final JsonBodies bodies;

    public ApiKeyApi(ApiKeys keys, JsonBodies bodies) {
        this.keys = keys;
        this.bodies = bodies;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<ApiKeys.Issued> create(HttpServletRequest request) {
        JsonNode body = bodies.read(request);
        if (!body.isObject()) {
            throw new ApiKeys.InvalidKeyRequest("body: must be a JSON object {\"name\", \"role\", \"channels\"?}");
        }
        List<String> channels = new ArrayList<>();
        JsonNode given = body.get("channels");
        if (given != null && !given.isNull()) {
            if (!given.isArray()) {
                throw new ApiKeys.InvalidKeyRequest("channels: must be an array of channel ids");
            }
            given.forEach(c -> channels.add(c.isTextual() ? c.asText() : null));
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(keys.create(new ApiKeys.NewKey(text(body, "name"),
                text(body, "role"), channels)));
    }

    @GetMapping
    public List<ApiKeys.ApiKey> list() {
        return keys.list();
    }

    @GetMapping("/{id}")
    public ApiKeys.ApiKey one(@PathVariable String id) {
        return keys.find(id).orElseThrow(() -> new ApiKeys.KeyNotFound(id));
    }

    @PostMapping("/{id}/rotate")
    public ApiKeys.Issued rotate(@PathVariable String id) {
        return keys.rotate(id);
    }

    @DeleteMapping("/{id}")
    public ApiKeys.ApiKey revoke(@PathVariable String id) {
        return keys.revoke(id);
    }

    @ExceptionHandler(ApiKeys.InvalidKeyRequest.class)
    ResponseEntity<dev.orderhub.api.ApiError> invalid(ApiKeys.InvalidKeyRequest e) {
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
                .body(new dev.orderhub.api.ApiError("invalid_key_request", e.getMessage()));
    }

    @ExceptionHandler(ApiKeys.KeyNotFound.class)
    ResponseEntity<dev.orderhub.api.ApiError> notFound(ApiKeys.KeyNotFound e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                .body(new dev.orderhub.api.ApiError("not_found", e.getMessage()));
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw new ApiKeys.InvalidKeyRequest(field + ": is required");
        }
        if (!node.isTextual()) {
            throw new ApiKeys.InvalidKeyRequest(field + ": must be a string");
        }
        return node.asText();
    }

}
