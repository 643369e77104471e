package dev.orderhub.messaging;

import java.time.Instant;

/**
 * One entry of the exception store: input the hub could not process, with its payload as
 * kept ({@code payloadEncoding} text, text-escaped or base64; {@code payloadTruncated} when only
 * its start is kept) and the original's size in bytes ({@code payloadSize}, null when unknown).
 */
public record ParkedException(long id, String source, String reason, String payload, String status, String note,
                              Instant createdAt, Instant resolvedAt, Long payloadSize, boolean payloadTruncated,
                              String payloadEncoding) {

    public static final String OPEN = "OPEN";
    public static final String REPLAYED = "REPLAYED";
    public static final String DISCARDED = "DISCARDED";
}
