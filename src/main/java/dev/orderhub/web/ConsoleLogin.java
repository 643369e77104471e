package dev.orderhub.web;

import java.util.Optional;

import dev.orderhub.api.ApiException;
import dev.orderhub.api.JsonBodies;
import dev.orderhub.security.ApiKeys;
import dev.orderhub.security.Caller;
import dev.orderhub.security.Callers;
import dev.orderhub.security.ConsoleSecurityConfig;
import dev.orderhub.security.NoKeyNeeded;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * Signing in to the console with an API key (viewer, operator or admin). The key is checked like
 * any API key and kept in the server-side session; the session id changes at sign-in. Wrong keys
 * are refused like the API's (401, counted), never logged.
 */
@Controller
public class ConsoleLogin {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleLogin.class);

    private final ApiKeys keys;
    private final JsonBodies bodies;

    public ConsoleLogin(ApiKeys keys, JsonBodies bodies) {
        this.keys = keys;
        this.bodies = bodies;
    }

    @NoKeyNeeded("the sign-in page: it asks for the key")
    @GetMapping("/console/login")
    public String page(Model model) {
        Optional<Caller> caller = Callers.current();
        if (caller.isPresent() && caller.get().identified()) {
            return "redirect:/";
        }
        // A person on this machine (admin on the zero-setup default) may still sign in with a key,
        // to act as that key's holder with its role.
        model.addAttribute("local", caller.isPresent());
        return "console/login";
    }

    @NoKeyNeeded("signing in: the key in the form is checked here")
    @PostMapping("/console/login")
    public org.springframework.http.ResponseEntity<String> signIn(HttpServletRequest request) {
        String key = Form.read(request, bodies).text("apiKey", true, 200);
        Optional<Caller> caller = keys.caller(key);
        if (caller.isEmpty()) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "unknown_key", "apiKey: the API key is not valid (unknown, rotated or revoked)");
        }
        if (!caller.get().mayAct(Role.VIEWER)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "role", "apiKey: the console needs a key with the role viewer, "
                    + "operator or admin; " + caller.get().name() + " has none of them");
        }
        HttpSession session = request.getSession(true);
        request.changeSessionId();
        session.setAttribute(ConsoleSecurityConfig.SESSION_KEY, key);
        LOG.info("console: {} signed in", caller.get().name());
        return org.springframework.http.ResponseEntity.ok().header("HX-Redirect", "/").body("");
    }

    @RequiresRole({Role.VIEWER, Role.INTEGRATION})
    @PostMapping("/console/logout")
    public org.springframework.http.ResponseEntity<String> signOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        return org.springframework.http.ResponseEntity.ok().header("HX-Redirect", "/console/login").body("");
    }
}
