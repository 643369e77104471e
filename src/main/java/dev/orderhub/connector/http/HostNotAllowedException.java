package dev.orderhub.connector.http;

/** A call to a host outside the channel account's allow-list, refused before anything was sent. */
public class HostNotAllowedException extends RuntimeException {

    private final String host;

    HostNotAllowedException(String account, String host, AllowedHosts allowed) {
        super(account + ": host \"" + host + "\" is not in the allowed hosts " + allowed.patterns()
                + "; nothing was sent");
        this.host = host;
    }

    /** The refused host, as the URL named it (null when the URL had none). */
    public String host() {
        return host;
    }
}
