package dev.orderhub.connector;

/**
 * Where a fulfilment target's connector hands the stock counts its remote reports for the
 * location the target ships from (a 3PL's stock file); implemented by the core. A count is
 * the shelf at the target: the core applies it as an absolute on-hand, as a count through the
 * API would be (its own rules: reservations above it are released), within the caller's
 * transaction, so a connector records what it read and the counts it applied in one commit.
 * Only the location of one of the connector's own {@link FulfilmentService} targets can be
 * counted.
 */
public interface TargetStock {

    /**
     * Applies one count.
     *
     * @param sku    the hub sku (a target is sent hub skus, so it counts in hub skus)
     * @param reason what the count is, kept with the stock movement (e.g. the file and line it came from)
     * @return null when applied, else why it was not (nothing changed): unknown or foreign location,
     *         a sku the hub does not take, a bundle, a quantity out of range
     */
    String counted(String connector, String location, String sku, long onHand, String reason);
}
