package dev.orderhub.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What-if: how a draft rule set would have decided the orders the rules decided over the last
 * days, each compared with its last decision. Decided against the stock now (the stock at the
 * time is not kept), reserving nothing.
 */
@Service
public class WhatIf {

    static final int MAX_ORDERS = 5_000;
    static final int SAMPLE = 50;

    private final JdbcClient jdbc;
    private final Routing routing;
    private final Clock clock;

    public WhatIf(JdbcClient jdbc, Routing routing, Clock clock) {
        this.jdbc = jdbc;
        this.routing = routing;
        this.clock = clock;
    }

    /** {@code from} → {@code to}: where orders went and where they would go (locations, or queue:name). */
    public record Move(String from, String to, long orders) {
    }

    public record Sample(String hubOrderId, String before, String after, String afterRule) {
    }

    public record Result(int days, int orders, int unchanged, List<Move> moved, List<Sample> sample, String basis) {
    }

    private record Last(String hubOrderId, String outcome, String locations, String queue) {

        String label() {
            return Decision.Outcome.HOLD.equals(outcome) ? "queue:" + queue : locations;
        }
    }

    public Result compare(RuleSet draft, int days) {
        List<Last> last = jdbc.sql("SELECT d.hub_order_id, d.outcome, d.locations, d.queue FROM routing_decisions d "
                        + "WHERE d.decided_at >= :since AND d.id = (SELECT MAX(x.id) FROM routing_decisions x "
                        + "WHERE x.hub_order_id = d.hub_order_id) ORDER BY d.id DESC FETCH FIRST :limit ROWS ONLY")
                .param("since", clock.instant().minus(Duration.ofDays(days)).atOffset(ZoneOffset.UTC)).param("limit", MAX_ORDERS)
                .query((rs, n) -> new Last(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).list();
        Map<String, Long> moves = new TreeMap<>();
        List<Sample> sample = new ArrayList<>();
        int unchanged = 0;
        for (Last before : last) {
            Decision after = routing.dryRun(before.hubOrderId(), draft);
            Decision.Outcome o = after.outcome();
            String label = o.allocated() ? String.join(",", o.parts().stream().map(Decision.Part::location).toList())
                    : "queue:" + o.queue();
            if (label.equals(before.label())) {
                unchanged++;
                continue;
            }
            moves.merge(before.label() + "\u0000" + label, 1L, Long::sum);
            if (sample.size() < SAMPLE) {
                sample.add(new Sample(before.hubOrderId(), before.label(), label, o.rule()));
            }
        }
        List<Move> moved = new ArrayList<>();
        moves.forEach((k, v) -> {
            String[] parts = k.split("\u0000", 2);
            moved.add(new Move(parts[0], parts[1], v));
        });
        moved.sort((a, b) -> Long.compare(b.orders(), a.orders()));
        return new Result(days, last.size(), unchanged, moved, sample,
                "each order's last decision in the window against the draft rules and the stock now (the stock at the time is not "
                        + "kept); at most " + MAX_ORDERS + " orders, newest first");
    }
}
