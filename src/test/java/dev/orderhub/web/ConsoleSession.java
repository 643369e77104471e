package dev.orderhub.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person's browser as far as the console's HTTP goes: a cookie jar (the session), the CSRF
 * token read from the last page, forms posted as htmx posts them.
 */
public final class ConsoleSession {

    private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");

    private final HttpClient http;
    private final String base;
    private String csrf;

    public ConsoleSession(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public record Page(int status, String body, Map<String, java.util.List<String>> headers) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    /** Signs in with an API key through the sign-in page; answers the sign-in's answer. */
    public Page signIn(String key) {
        get("/console/login");
        return post("/console/login", Map.of("apiKey", key));
    }

    public Page get(String path) {
        return get(path, "text/html");
    }

    /** A GET as a browser's script sends it (e.g. Swagger UI fetching the document as JSON). */
    public Page get(String path, String accept) {
        Page page = send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET());
        Matcher token = CSRF.matcher(page.body());
        if (token.find()) {
            csrf = token.group(1);
        }
        return page;
    }

    public Page post(String path, Map<String, String> form) {
        return post(path, form, true);
    }

    /** Posts a form as htmx does (HX-Request, the CSRF header unless {@code withToken} is false). */
    public Page post(String path, Map<String, String> form, boolean withToken) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return postRaw(path, "application/x-www-form-urlencoded", body, withToken);
    }

    public Page postRaw(String path, String contentType, String body, boolean withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("HX-Request", "true")
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (withToken && csrf != null) {
            request.header("X-CSRF-TOKEN", csrf);
        }
        return send(request);
    }

    public static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    private Page send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Page(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
