package dev.orderhub.connector.http;

import java.net.http.HttpHeaders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * What the remote answered, as it answered it: a 2xx, or a 4xx with the error body the connector
 * must read (a 3xx too: redirects are not followed, so an allowed host cannot send the call to
 * one that is not). Retryable failures never come back as an answer; they end in
 * {@link RetryLater}.
 *
 * @param content the body's bytes as they came (a gzipped report stays gzipped)
 * @param body    the body as UTF-8 text
 * @param json    the body parsed as JSON, or a MissingNode when it is empty or not JSON
 */
public record HttpAnswer(int status, HttpHeaders headers, byte[] content, String body, JsonNode json) {

    public HttpAnswer {
        content = content == null ? new byte[0] : content;
        body = body == null ? "" : body;
        json = json == null ? MissingNode.getInstance() : json;
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** A 4xx: the remote refused this request as it stands; sending it again will not help. */
    public boolean refused() {
        return status >= 400 && status < 500;
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /** The body cut to 500 characters, for a message. */
    public String excerpt() {
        return body.length() <= 500 ? body : body.substring(0, 500) + "...";
    }
}
