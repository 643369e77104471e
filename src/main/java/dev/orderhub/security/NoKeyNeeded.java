package dev.orderhub.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An endpoint that takes requests without an API key, and why (e.g. a webhook the channel
 * signs; the error page). Its handler is responsible for checking whatever it needs.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NoKeyNeeded {

    /** Why no key is needed, and what authenticates the request instead. */
    String value();
}
