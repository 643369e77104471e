package dev.orderhub.web;

import dev.orderhub.operations.Operations;
import dev.orderhub.security.RequiresRole;
import dev.orderhub.security.Role;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The console's channels page: each channel's health, polls, pushes, rate limits, errors, listings and conformance. */
@Controller
@RequiresRole(Role.VIEWER)
public class ConsoleChannels {

    private final Operations operations;

    public ConsoleChannels(Operations operations) {
        this.operations = operations;
    }

    @GetMapping("/console/channels")
    public String channels(Model model) {
        model.addAttribute("channels", operations.channelStatuses());
        model.addAttribute("page", "channels");
        return "console/channels";
    }
}
