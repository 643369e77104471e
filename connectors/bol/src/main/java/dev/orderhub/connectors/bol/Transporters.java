package dev.orderhub.connectors.bol;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The hub's carrier names → bol's transporter codes. The spec lists the codes it knows as the
 * transporter enum of its replenishment requests (POSTNL, DHL, DPD, GLS, UPS, OTHER) and TNT as
 * its shipment example; a carrier not in this table is sent as OTHER, with its track-and-trace.
 */
final class Transporters {

    static final Map<String, String> CODES = new LinkedHashMap<>();

    static {
        for (String name : new String[] {"postnl", "post nl", "postnl pakket", "postnl briefpost"}) {
            CODES.put(name, "POSTNL");
        }
        for (String name : new String[] {"dhl", "dhl parcel", "dhl paket", "dhl express", "dhlforyou", "dhl for you"}) {
            CODES.put(name, "DHL");
        }
        for (String name : new String[] {"dpd", "dpd nl", "dpd be", "dpd de"}) {
            CODES.put(name, "DPD");
        }
        CODES.put("gls", "GLS");
        CODES.put("ups", "UPS");
        CODES.put("tnt", "TNT");
    }

    private Transporters() {
    }

    /** bol's code for the carrier; OTHER when the table does not know it. */
    static String code(String carrier) {
        if (carrier == null) {
            return "OTHER";
        }
        return CODES.getOrDefault(carrier.trim().toLowerCase(Locale.ROOT).replace('-', ' ').replace('_', ' '), "OTHER");
    }
}
