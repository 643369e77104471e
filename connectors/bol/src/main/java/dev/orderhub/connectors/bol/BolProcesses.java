package dev.orderhub.connectors.bol;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * bol's asynchronous changes, followed to their end: a shipment, a cancelled item or an offer
 * export is recorded in {@code bol_processes} before it is sent, its process-status id once bol
 * accepted it, and its final status once {@code GET /shared/process-status/{id}} says SUCCESS,
 * FAILURE or TIMEOUT. A call that finds the action already sent follows that process; one that
 * finds it sent without an answer (a lost 202) first asks bol for the processes of the entity
 * and adopts the one started since, so a retry never sends the action twice.
 */
@Component
public class BolProcesses {

    static final String GET = "get-process-status";
    static final String BY_ENTITY = "get-process-status-entity-id";
    private static final Duration POLL = Duration.ofMillis(200);

    /** Where an action stands: {@code status} PENDING, SUCCESS, FAILURE or TIMEOUT; entity: what bol made (an export's report id). */
    record Outcome(String status, String error, String entityId) {

        boolean success() {
            return "SUCCESS".equals(status);
        }
    }

    private record Row(String processStatusId, String status, String error, String entityId, Instant created) {
    }

    private final BolAccounts accounts;
    private final JdbcClient jdbc;

    public BolProcesses(BolAccounts accounts, JdbcClient jdbc) {
        this.accounts = accounts;
        this.jdbc = jdbc;
    }

    /**
     * Runs the action once and follows it: the recorded outcome when it has ended, else the
     * process followed for up to the account's process wait.
     *
     * @param entityId  bol's entity of the process (the first order item), to find a process whose 202 was lost
     * @param eventType the process status's event type (CREATE_SHIPMENT, CANCEL_ORDER, ...)
     * @param send      sends the action; a 4xx answer is its refusal, recorded as a FAILURE
     * @throws RetryLater still PENDING after the wait (the process is followed next time), or bol unreachable
     */
    Outcome run(BolAccounts.Account account, String action, String reference, String entityId, String eventType,
                Supplier<HttpAnswer> send) {
        Optional<Row> recorded = find(account.channel, action, reference);
        if (recorded.isPresent() && !"PENDING".equals(recorded.get().status()) && !"SENDING".equals(recorded.get().status())) {
            return new Outcome(recorded.get().status(), recorded.get().error(), recorded.get().entityId());
        }
        String processId = recorded.map(Row::processStatusId).orElse(null);
        if (recorded.isEmpty()) {
            insert(account.channel, action, reference);
        } else if (processId == null && entityId != null) {
            processId = adopt(account, entityId, eventType, recorded.get().created()).orElse(null);
        }
        if (processId == null) {
            HttpAnswer answer = send.get();
            if (!answer.ok()) {
                String error = BolAccounts.problem(answer);
                finish(account.channel, action, reference, "FAILURE", error, null);
                return new Outcome("FAILURE", error, null);
            }
            processId = BolAccounts.json(answer).path("processStatusId").asText();
            jdbc.sql("UPDATE bol_processes SET process_status_id = :id, status = 'PENDING', updated_at = :now "
                            + "WHERE channel = :channel AND action = :action AND reference = :reference")
                    .param("id", processId).param("now", now()).param("channel", account.channel).param("action", action)
                    .param("reference", reference).update();
        }
        return follow(account, action, reference, processId);
    }

    /** Polls the process status until it ends or the account's wait is over. */
    private Outcome follow(BolAccounts.Account account, String action, String reference, String processId) {
        Instant until = Instant.now().plus(account.processWait);
        while (true) {
            HttpAnswer answer = accounts.send(account, GET, HttpCall.get("/shared/process-status/{id}", processId));
            JsonNode status = BolAccounts.json(answer);
            if (!answer.ok()) {
                throw new IllegalStateException("bol/" + account.channel + " process status " + processId + ": " + BolAccounts.problem(answer));
            }
            String state = status.path("status").asText();
            if (!"PENDING".equals(state)) {
                String error = status.path("errorMessage").asText(null);
                String entity = status.path("entityId").asText(null);
                finish(account.channel, action, reference, state, error, entity);
                return new Outcome(state, error, entity);
            }
            if (Instant.now().plus(POLL).isAfter(until)) {
                throw new RetryLater(Duration.ofSeconds(2), "bol/" + account.channel + " " + action + " " + reference
                        + ": process " + processId + " still PENDING after " + account.processWait.toMillis() + " ms");
            }
            try {
                Thread.sleep(POLL.toMillis()); // bol's processing time: the status cannot be waited for any other way
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryLater(Duration.ZERO, "interrupted while following process " + processId);
            }
        }
    }

    /** The process bol started for the entity since the action was first sent, if its 202 was lost. */
    private Optional<String> adopt(BolAccounts.Account account, String entityId, String eventType, Instant since) {
        HttpAnswer answer = accounts.send(account, BY_ENTITY, HttpCall.get("/shared/process-status")
                .query("entity-id", entityId).query("event-type", eventType));
        if (!answer.ok()) {
            return Optional.empty();
        }
        for (JsonNode status : BolAccounts.json(answer).path("processStatuses")) {
            Instant created = OffsetDateTime.parse(status.path("createTimestamp").asText()).toInstant();
            if (!created.isBefore(since.minusSeconds(5))) {
                return Optional.of(status.path("processStatusId").asText());
            }
        }
        return Optional.empty();
    }

    /** Forgets a finished action so it can be run anew (the offer export, read again every refresh). */
    void forget(String channel, String action, String reference) {
        jdbc.sql("DELETE FROM bol_processes WHERE channel = :channel AND action = :action AND reference = :reference")
                .param("channel", channel).param("action", action).param("reference", reference).update();
    }

    /** Whether an action is under way (sent, not ended). */
    boolean underWay(String channel, String action, String reference) {
        return find(channel, action, reference).map(r -> r.status().equals("PENDING") || r.status().equals("SENDING")).orElse(false);
    }

    private Optional<Row> find(String channel, String action, String reference) {
        return jdbc.sql("SELECT process_status_id, status, error_message, entity_id, created_at FROM bol_processes "
                        + "WHERE channel = :channel AND action = :action AND reference = :reference")
                .param("channel", channel).param("action", action).param("reference", reference)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant())).optional();
    }

    private void insert(String channel, String action, String reference) {
        try {
            jdbc.sql("INSERT INTO bol_processes (channel, action, reference, status, created_at, updated_at) "
                            + "VALUES (:channel, :action, :reference, 'SENDING', :now, :now)")
                    .param("channel", channel).param("action", action).param("reference", reference).param("now", now()).update();
        } catch (DuplicateKeyException e) {
            throw new RetryLater(Duration.ofSeconds(1), "bol/" + channel + " " + action + " " + reference + " is being sent by another call");
        }
    }

    private void finish(String channel, String action, String reference, String status, String error, String entity) {
        jdbc.sql("UPDATE bol_processes SET status = :status, error_message = :error, entity_id = :entity, updated_at = :now "
                        + "WHERE channel = :channel AND action = :action AND reference = :reference")
                .param("status", status).param("error", error == null ? null : error.substring(0, Math.min(2000, error.length())))
                .param("entity", entity).param("now", now()).param("channel", channel).param("action", action)
                .param("reference", reference).update();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
