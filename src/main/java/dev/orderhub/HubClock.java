package dev.orderhub;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One clock for the hub, so tests can fix time where they need to. */
@Configuration(proxyBeanMethods = false)
public class HubClock {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
