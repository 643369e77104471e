package dev.orderhub.connectors.template;

import dev.orderhub.conformance.ConnectorConformance;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The template connector against its stub: the conformance suite, chosen by connector.yaml. */
class TemplateConformanceTest extends ConnectorConformance {

    static final TemplateStub STUB = new TemplateStub();

    TemplateConformanceTest() {
        super("template", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "template", STUB);
    }
}
