package dev.orderhub.api;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.input.StrictJson;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Reads request bodies as JSON trees, strictly: at most {@code orderhub.api.max-body-bytes}
 * (413 beyond), one JSON value, no duplicate keys, valid UTF-8, exact decimals and no exponents
 * ({@link StrictJson}). Errors say where the JSON broke.
 */
@Component
public class JsonBodies {

    private final StrictJson reader;
    private final long maxBytes;

    public JsonBodies(ObjectMapper json, @Value("${orderhub.api.max-body-bytes}") long maxBytes) {
        this.reader = new StrictJson(json);
        this.maxBytes = maxBytes;
    }

    public JsonNode read(HttpServletRequest request) {
        return parse(bytes(request));
    }

    /** The raw body, within the size limit: for callers that must see the exact bytes (signatures) before parsing. */
    public byte[] bytes(HttpServletRequest request) {
        if (request.getContentLengthLong() > maxBytes) {
            throw tooLarge(request.getContentLengthLong());
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "unreadable_body", "body: could not be read");
        }
        if (body.length > maxBytes) {
            throw tooLarge(-1);
        }
        return body;
    }

    /** Parses a body read with {@link #bytes}, with the same strictness as {@link #read}. */
    public JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_json", "body: is empty, a JSON object is required");
        }
        try {
            return reader.read(body);
        } catch (StrictJson.Malformed e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, e.isExponent() ? "invalid_field" : "invalid_json", e.getMessage());
        }
    }

    private ApiException tooLarge(long length) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "body_too_large",
                "body: at most " + maxBytes + " bytes" + (length > 0 ? ", was " + length : ""));
    }
}
