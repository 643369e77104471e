package dev.orderhub.privacy;

import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.apache.camel.spi.CamelLogger;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Camel's default error handler logs a failed exchange as "... caught: " followed by the
 * exception and its whole chain of messages: for a database failure on an order that is the
 * refused row (H2's "Value too long for column ...: 'Keizersgracht 1'"). Every route gets the
 * default error handler with a logger that keeps the line (exchange id, attempt, route,
 * message history; bodies are never logged: camel.main.log-exhausted-message-body is false)
 * and the stack frames, but names the exceptions instead of quoting their messages.
 */
@Component
public class RedactedRouteErrors implements CamelContextConfiguration {

    private static final String CAUGHT = " caught: ";

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        DefaultErrorHandlerDefinition handler = new DefaultErrorHandlerDefinition();
        handler.setLoggerBean(new Logger());
        camel.getCamelContextExtension().setErrorHandlerFactory(handler);
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // nothing: the error handler is in place before the routes start
    }

    /** The error handler's logger, under the same name as Camel's own. */
    static final class Logger extends CamelLogger {

        Logger() {
            super(LoggerFactory.getLogger("org.apache.camel.processor.errorhandler.DefaultErrorHandler"), LoggingLevel.ERROR);
        }

        @Override
        public void log(String message, LoggingLevel level) {
            super.log(withoutCaught(message, null), level);
        }

        @Override
        public void log(String message, Throwable failure, LoggingLevel level) {
            super.log(withoutCaught(message, failure), Redaction.redacted(failure), level);
        }

        @Override
        public void log(String message) {
            log(message, getLevel());
        }

        @Override
        public void log(String message, Throwable failure) {
            log(message, failure, getLevel());
        }

        /** Replaces what follows "caught: " up to the end of that line with the exceptions' classes. */
        static String withoutCaught(String message, Throwable failure) {
            if (message == null) {
                return null;
            }
            int at = message.indexOf(CAUGHT);
            if (at < 0) {
                return message;
            }
            int end = message.indexOf('\n', at);
            return message.substring(0, at + CAUGHT.length())
                    + (failure == null ? "(the exception's message is withheld: it may quote personal data)" : Redaction.describe(failure))
                    + (end < 0 ? "" : message.substring(end));
        }
    }
}
