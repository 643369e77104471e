package dev.orderhub.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** The demo never touches a real database: it refuses the postgres profile, keeps its own data directory, and is off unless asked for. */
class DemoEnvironmentTest {

    @Test
    void theDemoRefusesThePostgresProfile() {
        MockEnvironment environment = new MockEnvironment().withProperty("orderhub.demo.enabled", "true");
        environment.setActiveProfiles("postgres");
        assertThatThrownBy(() -> new DemoEnvironment().postProcessEnvironment(environment, new SpringApplication()))
                .hasMessageContaining("not with the postgres profile");
    }

    @Test
    void offUnlessAskedFor() {
        MockEnvironment environment = new MockEnvironment();
        new DemoEnvironment().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getPropertySources().contains("orderhub-demo")).isFalse();
        assertThat(environment.getProperty("orderhub.data-dir")).isNull();
    }

    @Test
    void theDemoHasItsOwnDataDirectory() {
        MockEnvironment environment = new MockEnvironment().withProperty("orderhub.demo.enabled", "true")
                .withProperty("orderhub.connectors-dir", "no-such-folder");
        new DemoEnvironment().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("orderhub.data-dir")).isEqualTo("./data-demo");
    }
    }
