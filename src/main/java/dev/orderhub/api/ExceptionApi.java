package dev.orderhub.api;

import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.messaging.ParkedException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The exception store: what the hub could not process, to replay or discard. */
@RestController
@RequestMapping(path = "/api/exceptions", produces = MediaType.APPLICATION_JSON_VALUE)
public class ExceptionApi {

    private static final List<String> STATUSES = List.of(ParkedException.OPEN, ParkedException.REPLAYED,
            ParkedException.DISCARDED);

    private final ExceptionStore store;
    private final JsonBodies bodies;

    public ExceptionApi(ExceptionStore store, JsonBodies bodies) {
        this.store = store;
        this.bodies = bodies;
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ExceptionList(List<ParkedException> items, String next) {
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping
    public ExceptionList list(@RequestParam(required = false) String source, @RequestParam(required = false) String status,
                              @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalid("status: must be one of " + STATUSES + ", was \"" + status + "\"");
        }
        int size = Cursors.limit(limit);
        List<ParkedException> items = store.list(source, status, Cursors.decode(Cursors.List.EXCEPTIONS, cursor), size + 1);
        boolean more = items.size() > size;
        List<ParkedException> page = more ? items.subList(0, size) : items;
        return new ExceptionList(page, more ? Cursors.encode(Cursors.List.EXCEPTIONS, page.get(page.size() - 1).id()) : null);
    }

    @RequiresRole(Role.VIEWER)
    @GetMapping("/{id}")
    public ParkedException one(@PathVariable long id) {
        return store.find(id).orElseThrow(() -> new ExceptionStore.ExceptionNotFoundException(id));
    }

    /**
     * Sends the entry back to its queue: the original payload, or, with a body
     * {@code {"payload": "<fixed text>", "note"?}}, a fixed one, checked first by the rules of
     * the queue's consumer (400 naming the problem, nothing sent).
     */
    @RequiresRole(Role.OPERATOR)
    @PostMapping("/{id}/replay")
    public ParkedException replay(@PathVariable long id, HttpServletRequest request) {
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            JsonNode body = Fields.object(bodies.read(request));
            String payload = Fields.text(body, "payload", false, store.maxPayloadChars());
            String note = Fields.text(body, "note", false, 500);
            if (payload != null) {
                return store.replayFixed(id, payload, note);
            }
        }
        return store.replay(id);
    }

    /** What a bulk action did to one entry: its status after, or why it was not done. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BulkResult(long id, String status, String error) {
    }

    public record BulkResults(List<BulkResult> items, String next) {
    }

    /**
     * Replays or discards several entries: {@code {"action": "replay"|"discard", "ids": [..],
     * "note"}} (a note is required to discard). Each entry is done in its own transaction; the
     * answer lists each one's outcome (one refused does not stop the others).
     */
    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/bulk", consumes = MediaType.APPLICATION_JSON_VALUE)
    public BulkResults bulk(HttpServletRequest request) {
        JsonNode body = Fields.object(bodies.read(request));
        String action = Fields.text(body, "action", true, 10);
        if (!action.equals("replay") && !action.equals("discard")) {
            throw ApiException.invalid("action: must be replay or discard, was \"" + Fields.quoted(action) + "\"");
        }
        String note = Fields.text(body, "note", action.equals("discard"), 1000);
        JsonNode ids = body.get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > 500) {
            throw ApiException.invalid("ids: must be an array of 1 to 500 exception ids");
        }
        List<Long> wanted = new java.util.ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).canConvertToLong() || !ids.get(i).isIntegralNumber()) {
                throw ApiException.invalid("ids[" + i + "]: must be an exception id (a whole number)");
            }
            wanted.add(ids.get(i).asLong());
        }
        return new BulkResults(bulk(action, wanted, note), null);
    }

    /** The bulk action itself, for the console too. */
    public List<BulkResult> bulk(String action, List<Long> ids, String note) {
        List<BulkResult> results = new java.util.ArrayList<>();
        for (long id : ids) {
            try {
                ParkedException done = action.equals("replay") ? store.replay(id) : store.discard(id, note);
                results.add(new BulkResult(id, done.status(), null));
            } catch (ExceptionStore.ExceptionNotFoundException | ExceptionStore.ExceptionStateException e) {
                results.add(new BulkResult(id, null, e.getMessage()));
            }
        }
        return results;
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/{id}/discard", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ParkedException discard(@PathVariable long id, HttpServletRequest request) {
        String note = Fields.text(bodies.read(request), "note", true, 1000);
        return store.discard(id, note);
    }
}
