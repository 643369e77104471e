package dev.orderhub.connectors.bol;

import java.util.ArrayList;
import java.util.List;

import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.OpenApiContract;
import dev.orderhub.conformance.StubTap;

/**
 * Every exchange against bol's published spec: the kit's {@link OpenApiContract} over
 * retailer.json and shared.json (operations, parameters, bodies, statuses, schemas), plus what
 * bol adds on top: the media types (Accept and Content-Type {@code application/vnd.retailer.v10+json},
 * the offer export's answer in {@code +csv}). Statuses bol documents for every endpoint on its
 * developer site rather than per operation (401 for an expired token, 429, 5xx) are not checked
 * against the operation, nor answers the suite's tap scripted itself; the offer export's 200,
 * which the spec declares without content (its 400 and 404 in +csv), is checked to be CSV; the token endpoint
 * (login.bol.com) is in neither file.
 */
final class BolSpec implements ConformanceStub.SpecCheck {

    private final ConformanceStub.SpecCheck contract = OpenApiContract.check(
            OpenApiContract.of("bol-retailer-api-v10/retailer.json"), OpenApiContract.of("bol-retailer-api-v10/shared.json"));

    static BolSpec load() {
        return new BolSpec();
    }

    private static boolean inSpec(StubTap.Call call) {
        return call.path().startsWith("/retailer/") || call.path().startsWith("/shared/");
    }

    @Override
    public List<String> request(StubTap.Exchange exchange) {
        StubTap.Call call = exchange.call();
        if (!inSpec(call)) {
            return List.of();
        }
        List<String> problems = new ArrayList<>(contract.request(exchange));
        String at = call.method() + " " + call.path();
        String wanted = call.path().startsWith("/retailer/offers/export/") ? BolAccounts.CSV : BolAccounts.MEDIA;
        if (!wanted.equals(call.headers().get("accept"))) {
            problems.add(at + ": Accept " + call.headers().get("accept") + ", the spec's media type is " + wanted);
        }
        if (!call.body().isEmpty() && !BolAccounts.MEDIA.equals(call.headers().get("content-type"))) {
            problems.add(at + ": Content-Type " + call.headers().get("content-type") + ", the spec's is " + BolAccounts.MEDIA);
        }
        return problems;
    }

    @Override
    public List<String> answer(StubTap.Exchange exchange) {
        int status = exchange.status();
        if (!inSpec(exchange.call()) || status == 401 || status == 429 || status >= 500 || exchange.answer().contains("\"title\":\"Scripted\"")) {
            return List.of();
        }
        String type = exchange.answerHeaders().getOrDefault("content-type", "");
        if (status == 200 && exchange.call().path().startsWith("/retailer/offers/export/")) {
            // The spec declares this 200 ("an offer export file") without content, its 400 and 404 in +csv: the file is CSV.
            return BolAccounts.CSV.equals(type) ? List.of() : List.of("GET " + exchange.call().path() + " answered the export as " + type);
        }
        List<String> problems = new ArrayList<>(contract.answer(exchange));
        if (status < 300 && !exchange.answer().isEmpty() && !type.startsWith("application/vnd.retailer.v10+")) {
            problems.add(exchange.call().method() + " " + exchange.call().path() + " answered " + status + " as " + type);
        }
        return problems;
    }
}
