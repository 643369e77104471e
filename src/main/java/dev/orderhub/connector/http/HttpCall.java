package dev.orderhub.connector.http;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One request a connector wants sent: method, a path under the account's base URL (or an
 * absolute URL, checked against the same allow-list), query parameters, headers, a body and,
 * for operations that declare one, the idempotency key. Immutable; each {@code with...} answers
 * a new call.
 *
 * <p>Encoding is done here once: path segments and query values are percent-encoded (a space
 * is {@code %20}, never {@code +}), a collection is sent comma-joined as SP-API's {@code csv}
 * format wants ({@code MarketplaceIds=A1PA6795UKMFR9,A13V1IB3VIYZZH}), nulls are left out.
 *
 * @param query          encoded {@code name=value} pairs, in the order given
 * @param body           a String or byte[] sent as is, or any other object written as JSON
 * @param authenticated  false sends no credentials; they never go to a host other than the base URL's
 */
public record HttpCall(String method, String path, URI url, List<String> query, Map<String, String> headers,
                       Object body, String contentType, String idempotencyKey, boolean authenticated) {

    private static final Pattern SEGMENT = Pattern.compile("\\{[^}/]*}");

    public HttpCall {
        query = List.copyOf(query);
        headers = Map.copyOf(headers);
    }

    /** GET a path under the base URL; each {@code {name}} in it takes the next of {@code segments}, encoded. */
    public static HttpCall get(String pathTemplate, Object... segments) {
        return of("GET", pathTemplate, segments);
    }

    public static HttpCall post(String pathTemplate, Object... segments) {
        return of("POST", pathTemplate, segments);
    }

    public static HttpCall put(String pathTemplate, Object... segments) {
        return of("PUT", pathTemplate, segments);
    }

    public static HttpCall patch(String pathTemplate, Object... segments) {
        return of("PATCH", pathTemplate, segments);
    }

    public static HttpCall delete(String pathTemplate, Object... segments) {
        return of("DELETE", pathTemplate, segments);
    }

    /** A call to an absolute URL as the remote handed it out (a pre-signed upload, a next-page link). */
    public static HttpCall to(String method, URI url) {
        if (url == null || !url.isAbsolute()) {
            throw new IllegalArgumentException(method + " " + url + ": not an absolute URL");
        }
        return new HttpCall(method, null, url, List.of(), Map.of(), null, null, null, true);
    }

    private static HttpCall of(String method, String pathTemplate, Object... segments) {
        if (pathTemplate == null || !pathTemplate.startsWith("/")) {
            throw new IllegalArgumentException(method + " \"" + pathTemplate + "\": a path starts with /");
        }
        Matcher matcher = SEGMENT.matcher(pathTemplate);
        StringBuilder path = new StringBuilder();
        int next = 0;
        while (matcher.find()) {
            if (next == segments.length || segments[next] == null) {
                throw new IllegalArgumentException(method + " " + pathTemplate + ": no value for " + matcher.group());
            }
            matcher.appendReplacement(path, Matcher.quoteReplacement(encode(String.valueOf(segments[next++]))));
        }
        matcher.appendTail(path);
        if (next != segments.length) {
            throw new IllegalArgumentException(method + " " + pathTemplate + ": " + segments.length
                    + " values for " + next + " {placeholders}");
        }
        return new HttpCall(method, path.toString(), null, List.of(), Map.of(), null, null, null, true);
    }

    /** Adds a query parameter; a collection is comma-joined, an instant or date as ISO-8601, a null left out. */
    public HttpCall query(String name, Object value) {
        if (value == null) {
            return this;
        }
        String text = value instanceof Collection<?> values
                ? values.stream().filter(v -> v != null).map(v -> encode(text(v))).collect(Collectors.joining(","))
                : encode(text(value));
        List<String> more = new ArrayList<>(query);
        more.add(encode(name) + "=" + text);
        return new HttpCall(method, path, url, more, headers, body, contentType, idempotencyKey, authenticated);
    }

    /** Adds every non-null entry of {@code parameters}, in its iteration order. */
    public HttpCall query(Map<String, ?> parameters) {
        HttpCall call = this;
        for (Map.Entry<String, ?> parameter : parameters.entrySet()) {
            call = call.query(parameter.getKey(), parameter.getValue());
        }
        return call;
    }

    public HttpCall header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpCall(method, path, url, query, more, body, contentType, idempotencyKey, authenticated);
    }

    /** A body written as JSON by the client's ObjectMapper (a String is taken as JSON text already written). */
    public HttpCall json(Object value) {
        return new HttpCall(method, path, url, query, headers, value, "application/json", idempotencyKey, authenticated);
    }

    /** A body sent as it is: a String (UTF-8) or a byte[]. */
    public HttpCall body(Object content, String contentType) {
        if (!(content instanceof String) && !(content instanceof byte[])) {
            throw new IllegalArgumentException(method + " " + target() + ": a raw body is a String or byte[], not "
                    + (content == null ? "null" : content.getClass().getSimpleName()) + " (use json(...))");
        }
        return new HttpCall(method, path, url, query, headers, content, contentType, idempotencyKey, authenticated);
    }

    /** The caller's key for this call; every retry of it sends the same one, in the operation's idempotency header. */
    public HttpCall idempotencyKey(String key) {
        return new HttpCall(method, path, url, query, headers, body, contentType, key, authenticated);
    }

    /** Sends no credentials, e.g. to a pre-signed URL that carries its own. */
    public HttpCall withoutCredentials() {
        return new HttpCall(method, path, url, query, headers, body, contentType, idempotencyKey, false);
    }

    /** The URL this call goes to, under {@code baseUrl} unless it has its own. */
    URI resolve(URI baseUrl) {
        String queryString = String.join("&", query);
        if (url != null) {
            String absolute = url.toString();
            return queryString.isEmpty() ? url : URI.create(absolute + (url.getRawQuery() == null ? "?" : "&") + queryString);
        }
        String base = baseUrl.toString().replaceAll("/+$", "");
        return URI.create(base + path + (queryString.isEmpty() ? "" : "?" + queryString));
    }

    /** Method and path for messages; an absolute URL's query (a pre-signed signature) is left out. */
    String target() {
        if (url == null) {
            return method + " " + path;
        }
        return method + " " + url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static String text(Object value) {
        return value instanceof TemporalAccessor ? value.toString() : String.valueOf(value);
    }

    /** RFC 3986 percent-encoding of one path segment or query value. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~").replace("*", "%2A");
    }
}
