package dev.orderhub.connector.http;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** Makes the {@link ChannelClient} of each channel account, wired to the hub's shared buckets, JSON, clock and meters. */
@Component
public class ChannelClients {

    private final ObjectMapper json;
    private final RateBuckets buckets;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Pause pause;

    @Autowired
    public ChannelClients(ObjectMapper json, RateBuckets buckets, Clock clock, ObjectProvider<MeterRegistry> meters) {
        this(json, buckets, clock, meters.getIfAvailable(), Pause.sleeping());
    }

    /** For tests: a pause that only records (and a clock it moves), meters that may be null. */
    public ChannelClients(ObjectMapper json, RateBuckets buckets, Clock clock, MeterRegistry meters, Pause pause) {
        this.json = json;
        this.buckets = buckets;
        this.clock = clock;
        this.meters = meters;
        this.pause = pause;
    }

    /** The client of {@code account}; keep it, one per account (it holds the token and the connection pool). */
    public ChannelClient forAccount(ChannelAccount account) {
        return new ChannelClient(account, buckets, json, clock, pause, meters);
    }
}
