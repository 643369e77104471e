package dev.orderhub.conformance;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;

/**
 * A filter for a stub's JDK {@code HttpServer} contexts, for the conformance suite: it records
 * every request with the answer the stub gave (so both can be checked against the published
 * spec), and answers the next calls that match a predicate with a scripted status (429 with
 * {@code Retry-After: 1}, 5xx, 4xx) before the stub's own handler sees them. Add it to each
 * context with {@link #on(HttpContext)}.
 */
public final class StubTap extends Filter {

    /** A request as it arrived; header names in lower case. */
    public record Call(String method, String path, Map<String, String> query, Map<String, String> headers, String body) {
    }

    /** A request and the stub's answer ({@code status} -1: the connection was dropped without one). */
    public record Exchange(long atNanos, Call call, int status, Map<String, String> answerHeaders, String answer) {
    }

    private record Fault(Predicate<Call> calls, int status) {
    }

    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    /** Requests arrived but not recorded yet: the client may hold the answer before the handler thread records it. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final IntFunction<String> errorBody;

    /** @param errorBody the body of a scripted error answer, as the remote writes its errors */
    public StubTap(IntFunction<String> errorBody) {
        this.errorBody = errorBody;
    }

    public HttpContext on(HttpContext context) {
        context.getFilters().add(this);
        return context;
    }

    /** The next {@code times} calls matching {@code calls} answer {@code status} (429: with Retry-After: 1). */
    public void failNext(Predicate<Call> calls, int status, int times) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(calls, status));
        }
    }

    /** Drops faults not yet met. */
    public void clearFaults() {
        faults.clear();
    }

    /** Every exchange so far, once those in flight are recorded. */
    public List<Exchange> exchanges() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).pollInterval(java.time.Duration.ofMillis(10))
                .until(() -> inFlight.get() == 0);
        return List.copyOf(exchanges);
    }

    /** A mark for {@link #since(int, Predicate)}, once the exchanges in flight are recorded. */
    public int mark() {
        return exchanges().size();
    }

    /** The exchanges recorded after the mark, matching {@code calls}. */
    public List<Exchange> since(int mark, Predicate<Call> calls) {
        List<Exchange> all = exchanges();
        return all.subList(Math.min(mark, all.size()), all.size()).stream().filter(e -> calls.test(e.call())).toList();
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        long at = System.nanoTime();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
        Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                query(exchange.getRequestURI().getRawQuery()), headers, new String(body, StandardCharsets.UTF_8));
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        OutputStream original = exchange.getResponseBody();
        exchange.setStreams(new ByteArrayInputStream(body), new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                answer.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                answer.write(b, off, len);
                original.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                original.flush();
            }

            @Override
            public void close() throws IOException {
                original.close();
            }
        });
        inFlight.incrementAndGet();
        try {
            Fault fault = take(call);
            if (fault == null) {
                chain.doFilter(exchange);
            } else {
                try (exchange) {
                    byte[] error = errorBody.apply(fault.status()).getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    if (fault.status() == 429) {
                        exchange.getResponseHeaders().add("Retry-After", "1");
                    }
                    exchange.sendResponseHeaders(fault.status(), error.length);
                    exchange.getResponseBody().write(error);
                }
            }
        } finally {
            Map<String, String> answerHeaders = new LinkedHashMap<>();
            exchange.getResponseHeaders().forEach((name, values) -> answerHeaders.put(name.toLowerCase(), values.get(0)));
            exchanges.add(new Exchange(at, call, exchange.getResponseCode(), answerHeaders,
                    answer.toString(StandardCharsets.UTF_8)));
            inFlight.decrementAndGet();
        }
    }

    private synchronized Fault take(Call call) {
        for (Fault fault : faults) {
            if (fault.calls().test(call)) {
                faults.remove(fault);
                return fault;
            }
        }
        return null;
    }

    @Override
    public String description() {
        return "records exchanges and answers scripted faults";
    }

    public static Map<String, String> query(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            values.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}
