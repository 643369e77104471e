package dev.orderhub.demo;

import java.util.List;

import dev.orderhub.connector.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/** The sandboxes the demo started ({@link DemoEnvironment}) and its catalogue; closed with the hub. */
public final class DemoSandboxes implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(DemoSandboxes.class);

    /** A started sandbox and the demo channel that uses it. */
    public record Running(String channel, Sandbox sandbox) {
    }

    private final List<Running> running;
    private final List<String> skus;

    DemoSandboxes(List<Running> running, List<String> skus) {
        this.running = List.copyOf(running);
        this.skus = List.copyOf(skus);
    }

    public List<Running> running() {
        return running;
    }

    public List<String> skus() {
        return skus;
    }

    @Override
    public void destroy() {
        for (Running r : running) {
            try {
                r.sandbox().close();
            } catch (RuntimeException e) {
                LOG.warn("demo sandbox of {} did not stop cleanly: {}", r.channel(), e.getMessage());
            }
        }
    }
}
