package dev.orderhub.connectors.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.ConnectorConformance;
import dev.orderhub.conformance.StubTap;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The webhook sink against {@link WebhookStockStub}: the conformance suite, chosen by connector.yaml (stock-out only). */
class WebhookConformanceTest extends ConnectorConformance {

    static final Stub STUB = new Stub();

    WebhookConformanceTest() {
        super("webhook", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "webhook", STUB);
    }

    /** The suite's view of the webhook stub; both channels must send the good channel's token. */
    static final class Stub implements ConformanceStub {

        static final String TOKEN = "webhook-token-not-real";
        static final String WRONG_TOKEN = "webhook-wrong-token-not-real";
        final WebhookStockStub remote;
        String channel;

        Stub() {
            try {
                remote = new WebhookStockStub();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public StubTap tap() {
            return remote.tap;
        }

        @Override
        public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
            if (good) {
                this.channel = channel;
            }
            remote.requireToken(channel, TOKEN);
            registry.add("orderhub.channels." + channel + ".connector.name", () -> "webhook");
            registry.add("orderhub.channels." + channel + ".connector.properties.url", () -> remote.url(channel));
            registry.add("orderhub.channels." + channel + ".connector.properties.authorizationToken", () -> good ? TOKEN : WRONG_TOKEN);
        }

        @Override
        public List<String> secrets() {
            return List.of(TOKEN, WRONG_TOKEN);
        }

        @Override
        public Predicate<StubTap.Call> calls(Flow flow) {
            return call -> flow == Flow.STOCK && call.path().equals("/stock/" + channel);
        }

        @Override
        public void reset() {
            ConformanceStub.super.reset();
            remote.reset();
        }

        @Override
        public Long shown(String sku) {
            return remote.shown(channel, sku);
        }

        @Override
        public int items(StubTap.Exchange stockCall) {
            try {
                return new ObjectMapper().readTree(stockCall.call().body()).path("updates").size();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Optional<String> operation(StubTap.Exchange exchange) {
            return calls(Flow.STOCK).test(exchange.call()) ? Optional.of("stock-push") : Optional.empty();
        }
    }
}
