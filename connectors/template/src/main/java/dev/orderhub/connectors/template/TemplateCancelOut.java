package dev.orderhub.connectors.template;

import java.util.Map;

import dev.orderhub.connector.CancelOut;
import dev.orderhub.connector.http.HttpAnswer;
import dev.orderhub.connector.http.HttpCall;
import org.springframework.stereotype.Component;

/** Cancel out ({@code cancel-out}): {@code POST /v1/orders/{id}/cancel}; a refusal is the marketplace's error. */
@Component
public class TemplateCancelOut implements CancelOut {

    static final String OPERATION = "cancelOrder";

    private final TemplateAccounts accounts;

    public TemplateCancelOut(TemplateAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public String connector() {
        return TemplateAccounts.CONNECTOR;
    }

    @Override
    public boolean serves(String channel) {
        return accounts.serves(channel);
    }

    @Override
    public String cancel(String channel, String channelOrderId, String reason) {
        HttpAnswer answer = accounts.send(accounts.get(channel), OPERATION, HttpCall.post("/v1/orders/{id}/cancel", channelOrderId)
                .json(Map.of("reason", reason)).idempotencyKey("cancel-" + channelOrderId));
        return answer.ok() ? null : TemplateAccounts.error(answer);
    }
}
