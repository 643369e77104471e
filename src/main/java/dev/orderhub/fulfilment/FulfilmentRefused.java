package dev.orderhub.fulfilment;

/**
 * A fulfilment target refused an order it was sent, or ended it without shipping it (cancelled,
 * unfulfillable there): published after the order came back to the hub, so routing by rules can
 * decide again without that location (docs/routing.md).
 */
public record FulfilmentRefused(String hubOrderId, String target, String location, String reason) {
}
