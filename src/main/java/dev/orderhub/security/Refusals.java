package dev.orderhub.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.api.ApiError;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;

/**
 * Answers a refused request (401: no valid key; 403: a key without the role or channel) in the
 * API's JSON error shape, counts it ({@code orderhub.api.refused}, by status and reason) and
 * logs it without the key: at most a few lines a second, then how many more were refused.
 */
public class Refusals {

    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    private static final long LOG_WINDOW_MS = 1000;
    private static final int LINES_PER_WINDOW = 10;

    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final AtomicLong windowStart = new AtomicLong();
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();

    public Refusals(MeterRegistry meters, ObjectMapper json) {
        this.meters = meters;
        this.json = json;
    }

    public void unauthorized(HttpServletRequest request, HttpServletResponse response, String reason, String detail)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        answer(request, response, 401, "unauthorized", reason, detail);
    }

    public void forbidden(HttpServletRequest request, HttpServletResponse response, String reason, String detail)
            throws IOException {
        answer(request, response, 403, "forbidden", reason, detail);
    }

    /** A request refused before it reached the API (the security firewall): 400 {@code invalid_request}. */
    public void badRequest(HttpServletRequest request, HttpServletResponse response, String reason, String detail)
            throws IOException {
        answer(request, response, 400, "invalid_request", reason, detail);
    }

    /** Counts and logs a refusal answered elsewhere (e.g. by an exception handler). */
    public void record(HttpServletRequest request, int status, String reason, String detail) {
        meters.counter("orderhub.api.refused", "status", Integer.toString(status), "reason", reason).increment();
        long now = System.currentTimeMillis();
        long start = windowStart.get();
        if (now - start >= LOG_WINDOW_MS && windowStart.compareAndSet(start, now)) {
            inWindow.set(0);
            long skipped = unlogged.getAndSet(0);
            if (skipped > 0) {
                LOG.warn("{} more requests refused in the last second (not logged one by one)", skipped);
            }
        }
        if (inWindow.incrementAndGet() <= LINES_PER_WINDOW) {
            // The path, never the Authorization header or the query string (which may carry anything).
            LOG.warn("refused {} {} from {}: {} {}", request.getMethod(), printable(request.getRequestURI()),
                    request.getRemoteAddr(), status, detail);
        } else {
            unlogged.incrementAndGet();
        }
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, int status, String error, String reason,
                        String detail) throws IOException {
        record(request, status, reason, detail);
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(json.writeValueAsBytes(new ApiError(error, detail)));
    }

    /**
     * What to tell a caller whose request Spring Security's firewall refused: the header by name
     * where there is one (its message quotes the value, which is never repeated), else the path.
     */
    public static String firewallDetail(Exception rejected) {
        String message = String.valueOf(rejected.getMessage());
        java.util.regex.Matcher header = java.util.regex.Pattern.compile("header(?: name)?: \"([A-Za-z0-9-]{1,100})")
                .matcher(message);
        if (header.find()) {
            return header.group(1) + ": contains a character that is not allowed (a control character or an unassigned one)";
        }
        return message.contains("header") ? "a request header contains a character that is not allowed"
                : "the request path or method is not allowed (an encoded slash, NUL, '..', ';' or a similar character)";
    }

    private static String printable(String path) {
        String shown = path == null ? "" : path.length() > 200 ? path.substring(0, 200) + "..." : path;
        return shown.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
