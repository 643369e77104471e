package dev.orderhub;

import dev.orderhub.security.ApiKeysCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The hub; {@code java -jar orderhub.jar keys ...} manages API keys instead of running it. */
@SpringBootApplication
public class OrderhubApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("keys")) {
            System.exit(ApiKeysCommand.run(args, System.out, System.err));
        }
        SpringApplication.run(OrderhubApplication.class, args);
    }
}
