package dev.orderhub.security;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The API keys service, for the hub and for the {@code keys} command line alike. */
@Configuration(proxyBeanMethods = false)
public class ApiKeysConfig {

    @Bean
    ApiKeys apiKeys(JdbcClient jdbc, Clock clock, @Value("${orderhub.security.key-cache-seconds:5}") long cacheSeconds) {
        return new ApiKeys(jdbc, clock, Duration.ofSeconds(cacheSeconds));
    }
}
