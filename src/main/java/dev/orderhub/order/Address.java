package dev.orderhub.order;

/** A postal address; country is an ISO 3166-1 alpha-2 code. */
public record Address(String name, String line1, String line2, String city, String region, String postalCode,
                      String country) {

    /** Masks the personal fields, so an address logged by mistake (or in an exception) shows none of them. */
    @Override
    public String toString() {
        return "Address[name=" + mask(name) + ", line1=" + mask(line1) + ", line2=" + mask(line2) + ", city=" + mask(city)
                + ", region=" + region + ", postalCode=" + mask(postalCode) + ", country=" + country + "]";
    }

    static String mask(String value) {
        return value == null ? "null" : "***";
    }
}
