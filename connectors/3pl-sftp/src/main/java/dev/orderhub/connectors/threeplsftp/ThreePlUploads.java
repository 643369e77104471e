package dev.orderhub.connectors.threeplsftp;

import java.time.Duration;
import java.util.stream.Collectors;

import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.RetryLater;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes a file into the 3PL's outbound folder with Camel's SFTP producer: uploaded as
 * {@code <name>.part}, then renamed to its name, so the 3PL never reads half a file; a file of
 * that name already there is left as it is ({@code fileExist=Ignore}: the names are
 * deterministic, so it is the same file). One SSH session per file.
 */
@Component
class ThreePlUploads {

    private final ProducerTemplate producer;

    ThreePlUploads(CamelContext camel) {
        this.producer = camel.createProducerTemplate();
    }

    /**
     * @throws ChannelUnusable the server refused the login or showed another host key
     * @throws RetryLater      the server could not be reached or the write failed: nothing was renamed into place
     */
    void upload(ThreePlAccounts.Account account, String name, byte[] content) {
        try {
            producer.sendBodyAndHeader(uri(account), content, Exchange.FILE_NAME, name);
        } catch (RuntimeException e) {
            throw failure(account, "writing " + name, e);
        }
    }

    static String uri(ThreePlAccounts.Account account) {
        String folder = account.outboundFolder().equals(".") ? "" : "/" + account.outboundFolder();
        return "sftp:" + account.host() + ":" + account.port() + folder + "?" + account.connection().entrySet().stream()
                .map(option -> option.getKey() + "=" + option.getValue()).collect(Collectors.joining("&"))
                + "&tempFileName=${file:name}.part&fileExist=Ignore&autoCreate=false&disconnect=true";
    }

    /** What a failed SFTP call means for the caller: the account unusable, or a retry later. Names no secret. */
    static RuntimeException failure(ThreePlAccounts.Account account, String what, Throwable e) {
        String cause = rootMessage(e);
        if (cause.contains("Auth fail") || cause.contains("Auth cancel") || cause.contains("USERAUTH fail")) {
            return new ChannelUnusable("3PL account " + account.channel() + ": the SFTP server " + account.host()
                    + " refused the login of " + account.username() + " (" + what + "); check orderhub.channels."
                    + account.channel() + ".connector.properties.password or privateKey");
        }
        if (cause.contains("HostKey") || cause.contains("UnknownHostKey")) {
            return new ChannelUnusable("3PL account " + account.channel() + ": the SFTP server " + account.host()
                    + " did not show the known host key (" + what + "): " + cause + "; check orderhub.channels."
                    + account.channel() + ".connector.properties.knownHosts");
        }
        return new RetryLater(Duration.ZERO, "3PL account " + account.channel() + ": " + what + " on " + account.host()
                + " failed: " + cause);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null && messages.length() < 1000; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                messages.append(messages.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return messages.length() == 0 ? e.getClass().getSimpleName() : messages.toString();
    }
}
