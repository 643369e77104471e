package dev.orderhub.inventory;

import java.util.List;

/**
 * The result of reserving an order whole: either every line is held ({@code reservations}),
 * or nothing is and {@code shortSku} names the first line that could not be held.
 */
public record ReservationOutcome(List<Reservation> reservations, String shortSku) {

    public boolean reserved() {
        return shortSku == null;
    }
}
