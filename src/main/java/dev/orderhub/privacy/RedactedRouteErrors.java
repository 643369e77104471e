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

        /**
         * Replaces the exception in the line ("caught: " and its text, which may span lines:
         * pgjdbc adds "Detail: Failing row contains (...)") with the exceptions' classes. Without
         * the exception at hand, everything from "caught: " to the next blank line goes.
         */
        static String withoutCaught(String message, Throwable failure) {
            if (message == null) {
                return null;
            }
            String redacted = message;
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                String described = t.getClass().getName();
                if (t.toString() != null && !t.toString().isEmpty()) {
                    redacted = redacted.replace(t.toString(), described);
                }
                if (t.getMessage() != null && !t.getMessage().isEmpty()) {
                    redacted = redacted.replace(t.getMessage(), "(message withheld)");
                }
            }
            int at = redacted.indexOf(CAUGHT);
            if (at < 0) {
                return redacted;
            }
            int end = redacted.indexOf("\n\n", at);
            int lineEnd = redacted.indexOf('\n', at);
            // A caught text left on more than its own line is not the exception we know: cut it to the blank line.
            boolean known = failure != null && (lineEnd < 0 || lineEnd == end);
            int cut = known ? (lineEnd < 0 ? redacted.length() : lineEnd) : (end < 0 ? redacted.length() : end);
            return redacted.substring(0, at + CAUGHT.length())
                    + (failure == null ? "(the exception's message is withheld: it may quote personal data)" : Redaction.describe(failure))
                    + redacted.substring(cut);
        }
    }
}
