package dev.orderhub.order;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a tracking number is valid for its carrier, as the Valid Tracking Rate counts it: the
 * carrier is one the hub knows (by its usual names) and the number has that carrier's format. A
 * carrier the hub does not know makes the tracking not valid, as Amazon counts a carrier it does
 * not recognise. The formats are the carriers' published number shapes (letters and digits only,
 * spaces ignored).
 */
public final class TrackingNumbers {

    private record Carrier(List<String> names, Pattern format) {
    }

    private static final Map<String, Carrier> CARRIERS = new LinkedHashMap<>();

    static {
        add("UPS", "1Z[0-9A-Z]{16}|T[0-9]{10}|[0-9]{9}|[0-9]{26}", "ups");
        add("DHL", "[0-9]{10,12}|JJD[0-9]{18,20}|JVGL[0-9]{16,20}|[0-9]{20}|[A-Z]{2}[0-9]{9}DE|GM[0-9]{16,18}|LX[0-9]{9}[A-Z]{2}",
                "dhl", "dhl express", "dhl parcel", "dhl paket", "dhl ecommerce", "deutsche post");
        add("PostNL", "3S[A-Z0-9]{11,13}|[A-Z]{2}[0-9]{9}NL|KG[0-9]{9}NL", "postnl", "post nl");
        add("DPD", "[0-9]{14}|0[0-9]{13}[A-Z]?|[0-9]{28}", "dpd");
        add("GLS", "[0-9]{11,12}|[0-9A-Z]{8}|[0-9]{20}", "gls");
        add("USPS", "9[0-9]{19,21}|[A-Z]{2}[0-9]{9}US|82[0-9]{8}", "usps", "united states postal service");
        add("FedEx", "[0-9]{12}|[0-9]{15}|[0-9]{20}|96[0-9]{20}|[0-9]{22}", "fedex", "fed ex", "federal express");
        add("Royal Mail", "[A-Z]{2}[0-9]{9}GB|[0-9A-Z]{16}", "royal mail", "royalmail");
        add("bpost", "[0-9]{24}|3232[0-9]{20}|[A-Z]{2}[0-9]{9}BE", "bpost");
        add("Amazon Logistics", "TBA[0-9]{12}|TBC[0-9]{12}", "amazon logistics", "amzl", "amazon");
        add("Colissimo", "[0-9][A-Z][0-9]{11}|[A-Z]{2}[0-9]{9}FR|[0-9]{13}", "colissimo", "la poste");
    }

    private static void add(String name, String format, String... aliases) {
        CARRIERS.put(name, new Carrier(List.of(aliases), Pattern.compile(format)));
    }

    private TrackingNumbers() {
    }

    /** The carrier's name as the hub knows it, or null for a carrier it does not know. */
    public static String carrier(String given) {
        if (given == null) {
            return null;
        }
        String key = given.trim().toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
        for (Map.Entry<String, Carrier> carrier : CARRIERS.entrySet()) {
            if (carrier.getValue().names().contains(key)) {
                return carrier.getKey();
            }
        }
        return null;
    }

    /** Whether the number has the format of the carrier (false for a carrier the hub does not know). */
    public static boolean valid(String carrier, String trackingNumber) {
        String known = carrier(carrier);
        if (known == null || trackingNumber == null) {
            return false;
        }
        String number = trackingNumber.replace(" ", "").toUpperCase(Locale.ROOT);
        return CARRIERS.get(known).format().matcher(number).matches();
    }
}
