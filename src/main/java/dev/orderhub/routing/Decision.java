package dev.orderhub.routing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Why an order went where it went: the rule set it was decided by (version and hash), each rule
 * tried in order with the conditions that failed, each candidate location of a matching rule
 * with why it was or was not eligible, and the outcome. Stored with every routed order, shown
 * in its timeline; a dry run answers the same record without reserving anything.
 */
public record Decision(int ruleSetVersion, String ruleSetHash, Instant decidedAt, List<RuleTrial> rules, Outcome outcome) {

    /** One rule tried: matched or not (and which conditions failed), its candidates, what came of it. */
    public record RuleTrial(String rule, boolean matched, List<String> failed, List<Candidate> candidates, String result) {
    }

    /** A location a matching rule could allocate from: eligible, or every reason it was not. */
    public record Candidate(String location, boolean eligible, List<String> why) {
    }

    /**
     * {@code allocate}: the parts (one shipment per location, the lines each ships); {@code hold}:
     * the queue and reason. {@code rule} decided it.
     */
    public record Outcome(String kind, String rule, List<Part> parts, String queue, String reason) {

        public static final String ALLOCATE = "allocate";
        public static final String HOLD = "hold";

        public boolean allocated() {
            return ALLOCATE.equals(kind);
        }
    }

    public record Part(String location, List<String> lineIds, BigDecimal value) {
    }
}
