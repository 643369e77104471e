package dev.orderhub.privacy;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Logs an exchange that failed (a route's unhandled exception) without the exception's
 * messages. Camel's default error handler logs "... caught: " followed by the exception and its
 * whole chain of messages: for a database failure on an order that is the refused row (H2's
 * "Value too long for column ...: 'Keizersgracht 1'", PostgreSQL's "Failing row contains
 * (...)"). Its logger is off (config/application.yaml) and this line takes its place: route,
 * exchange, the exceptions' classes and SQLState, and the stack frames. Bodies are never
 * logged. Input parked by the routes' error policy is not a failure here: the exception store
 * logs it.
 */
@Component
public class RedactedRouteErrors implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RedactedRouteErrors.class);

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.ExchangeFailedEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                Exchange exchange = ((CamelEvent.ExchangeFailedEvent) event).getExchange();
                Exception failure = exchange.getException();
                LOG.error("route {} failed (exchange {}): {}", exchange.getFromRouteId(), exchange.getExchangeId(),
                        failure == null ? "no exception" : Redaction.describe(failure), Redaction.redacted(failure));
            }
        });
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // nothing: the notifier is in place before the routes start
    }
}
