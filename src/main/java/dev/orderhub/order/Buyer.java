package dev.orderhub.order;

/** Who bought, as far as the channel tells. */
public record Buyer(String name, String email) {

    /** Masks both fields, so a buyer logged by mistake (or in an exception) shows neither. */
    @Override
    public String toString() {
        return "Buyer[name=" + Address.mask(name) + ", email=" + Address.mask(email) + "]";
    }
}
