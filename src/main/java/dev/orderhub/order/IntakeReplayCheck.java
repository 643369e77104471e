package dev.orderhub.order;

import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.messaging.ReplayCheck;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A fixed order for {@code orders.intake} is checked as the importer will check it (JSON, the
 * order rules, a configured channel) before it is replayed: a fix that would be parked again is
 * refused with the reason instead.
 */
@Component
class IntakeReplayCheck implements ReplayCheck {

    private final OrderIntake intake;
    private final ChannelRegistry channels;
    private final String queue;

    IntakeReplayCheck(OrderIntake intake, ChannelRegistry channels, @Value("${orderhub.queues.order-intake}") String queue) {
        this.intake = intake;
        this.channels = channels;
        this.queue = queue;
    }

    @Override
    public String queue() {
        return queue;
    }

    @Override
    public void check(String payload) {
        OrderSubmission order = intake.read(payload);
        if (channels.channel(order.channel()).isEmpty()) {
            throw new InvalidOrderException("channel: \"" + order.channel() + "\" is not a configured channel");
        }
    }
}
