package dev.orderhub.messaging;

import java.time.Instant;

/** One entry of the exception store: input the hub could not process, kept whole. */
public record ParkedException(long id, String source, String reason, String payload, String status, String note,
                              Instant createdAt, Instant resolvedAt) {

    public static final String OPEN = "OPEN";
    public static final String REPLAYED = "REPLAYED";
    public static final String DISCARDED = "DISCARDED";
}
