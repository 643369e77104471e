package dev.orderhub.api;

import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
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

    @RequiresRole(Role.OPERATOR)
    @PostMapping("/{id}/replay")
    public ParkedException replay(@PathVariable long id) {
        return store.replay(id);
    }

    @RequiresRole(Role.OPERATOR)
    @PostMapping(path = "/{id}/discard", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ParkedException discard(@PathVariable long id, HttpServletRequest request) {
        String note = Fields.text(bodies.read(request), "note", true, 1000);
        return store.discard(id, note);
    }
}
