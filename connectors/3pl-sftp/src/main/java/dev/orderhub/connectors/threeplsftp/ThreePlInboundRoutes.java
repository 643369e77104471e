package dev.orderhub.connectors.threeplsftp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;

import org.apache.camel.spi.RouteTemplateParameterSource;
import org.springframework.stereotype.Component;

/**
 * Route 3pl-sftp-inbound, made by Camel at start-up from the template in 3pl-sftp.camel.yaml
 * with the configured account's parameters (no account: no route). Its lease is
 * {@code 3pl-sftp-<account>}: one instance of a cluster reads the folder.
 */
@Component
public class ThreePlInboundRoutes implements RouteTemplateParameterSource {

    static final String TEMPLATE = "3pl-sftp-inbound";
    static final String ROUTE = "3pl-sftp-inbound";

    private final ThreePlAccounts accounts;

    public ThreePlInboundRoutes(ThreePlAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Set<String> routeIds() {
        return accounts.account().isPresent() ? Set.of(ROUTE) : Set.of();
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        ThreePlAccounts.Account account = accounts.require();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put(TEMPLATE_ID, TEMPLATE);
        parameters.put("lease", ThreePlAccounts.CONNECTOR + "-" + account.channel());
        parameters.put("host", account.host());
        parameters.put("port", String.valueOf(account.port()));
        parameters.put("folder", account.inboundFolder().equals(".") ? "" : account.inboundFolder());
        // The login, the secrets' #bean: references and the host key check, as every endpoint of the account has them.
        Map<String, String> connection = account.connection();
        for (String option : List.of("password", "privateKey", "privateKeyPassphrase", "knownHosts", "knownHostsFile",
                "strictHostKeyChecking")) {
            if (connection.containsKey(option)) {
                parameters.put(option, connection.get(option));
            }
        }
        parameters.put("username", account.username());
        parameters.put("delay", String.valueOf(account.pollInterval().toMillis()));
        parameters.put("readLock", account.readLock());
        parameters.put("doneFolder", account.doneFolder());
        parameters.put("failedFolder", account.failedFolder());
        return parameters;
    }
}
