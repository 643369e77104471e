package dev.orderhub.connectors.threeplsftp;

import java.util.List;
import java.util.function.Predicate;

import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.ConnectorConformance;
import dev.orderhub.conformance.StubTap;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The 3PL-over-SFTP connector in the conformance suite, chosen by its connector.yaml: the
 * manifest and its beans (a FulfilmentService, none of the capabilities it lacks). The suite has
 * no fulfilment-target tests yet; ThreePlSftpTest and ThreePlSftpExactlyOnceTest cover them.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ThreePlSftpConformanceTest extends ConnectorConformance {

    /** Runs until the JVM ends: this class's context (its inbound route) is closed after the class, while it still answers. */
    static final Stub STUB = new Stub(ThreePlSftpServer.start());

    ThreePlSftpConformanceTest() {
        super("3pl-sftp", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "3pl-sftp", STUB);
    }


    /**
     * The suite's stub: the SFTP server as the good channel's 3PL account. One 3PL account per
     * hub uses the connector, so the "bad" channel stays a channel of the hub's own (the suite
     * checks credentials through orders-in or stock-out, which a 3PL lacks). No HTTP: the tap
     * records nothing.
     */
    static final class Stub implements ConformanceStub {

        final ThreePlSftpServer server;
        private final StubTap tap = new StubTap(status -> "");

        Stub(ThreePlSftpServer server) {
            this.server = server;
        }

        @Override
        public StubTap tap() {
            return tap;
        }

        @Override
        public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
            if (good) {
                server.configure(registry, channel, channel + "-nl", "60s", "changed");
            }
        }

        @Override
        public List<String> secrets() {
            return List.of(ThreePlSftpServer.PASSWORD);
        }

        @Override
        public Predicate<StubTap.Call> calls(Flow flow) {
            return call -> false;
        }
    }
}
