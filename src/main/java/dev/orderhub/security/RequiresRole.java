package dev.orderhub.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The roles that may call an API endpoint (any one of them; {@code admin} includes every role).
 * Every endpoint carries this or {@link NoKeyNeeded}; one that carries neither is refused to
 * everybody ({@link RoleCheck}), and a test fails on it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresRole {

    Role[] value();
}
