package dev.orderhub;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
@SpringBootApplication
public class OrderhubApplication {
    public static void main(String[] args) { SpringApplication.run(OrderhubApplication.class, args); }
}
