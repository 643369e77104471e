package dev.orderhub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.messaging.ExceptionStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in headless Chromium against a running hub with the demo's sandbox channels
 * selling: each page clicked through, an order cancelled, an exception fixed and replayed, a CSV
 * imported with the progress bar followed to its end, a viewer seeing no actions. Screenshots of
 * each page are saved under target/console-screenshots/. Skipped, saying so, where Chromium or
 * chromedriver is not installed (.ci/run installs both).
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        "orderhub.demo.enabled=true", "orderhub.demo.order-every-ms=400", "orderhub.demo.ship-after-ms=600000",
        "orderhub.demo.poll-interval-ms=500", "orderhub.demo.data-dir=./target/test-data/console-demo-${random.uuid}",
        "orderhub.alerts.first-evaluation-delay-ms=0", "orderhub.alerts.evaluate-every-ms=500"})
@ActiveProfiles("test")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    static final int PORT = freePort();
    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    static WebDriver browser;

    static {
        System.setProperty("orderhub.demo.hub-url", "http://127.0.0.1:" + PORT);
    }

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    @Autowired
    ExceptionStore exceptions;

    @Autowired
    dev.orderhub.channel.ChannelHealth health;

    @BeforeAll
    static void startBrowser() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "headless Chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does)");
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--user-data-dir=" + Files.createTempDirectory("console-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() {
        System.clearProperty("orderhub.demo.hub-url");
        if (browser != null) {
            browser.quit();
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + PORT + path;
    }

    private static WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
        // htmx swaps the parts it updates: an element read a moment ago may have been replaced.
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static void shot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }

    private static WebElement find(String css) {
        return waiting().until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    @Test
    @Order(1)
    void theOverviewShowsTheDemoChannelsOrders() throws IOException {
        HubClient hub = new HubClient(PORT);
        await().atMost(Duration.ofSeconds(60)).until(() -> hub.get("/api/orders?status=RESERVED&limit=5").json()
                .get("items").size() >= 3);
        browser.get(url("/"));
        assertThat(browser.getTitle()).contains("Overview");
        waiting().until(d -> Long.parseLong(d.findElement(By.id("orders-today")).getText()) > 0
                || !d.findElements(By.cssSelector("#orders-per-channel td")).isEmpty());
        assertThat(browser.findElement(By.id("orders-per-channel")).getText()).contains("-demo");
        shot("01-overview");
        browser.findElement(By.linkText("Channels")).click();
        assertThat(find("#channels-table").getText()).contains("amazon-demo").contains("UP");
        shot("02-channels");
    }

    @Test
    @Order(2)
    void anOrderIsFoundFilteredAndCancelled() throws IOException {
        browser.get(url("/console/orders"));
        new Select(find("#order-filters select[name=status]")).selectByValue("RESERVED");
        waiting().until(d -> d.getCurrentUrl().contains("status=RESERVED"));
        WebElement first = waiting().until(d -> {
            List<WebElement> links = d.findElements(By.cssSelector("#orders-table td a"));
            return links.isEmpty() ? null : links.get(0);
        });
        String id = first.getText();
        shot("03-orders-reserved");
        first.click();
        assertThat(find("#order-status").getText()).isEqualTo("RESERVED");
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("RECEIVED");
        browser.findElement(By.id("cancel-reason")).sendKeys("buyer asked by phone");
        browser.findElement(By.id("cancel-order")).click();
        waiting().until(d -> {
            try {
                d.switchTo().alert().accept();
                return true;
            } catch (org.openqa.selenium.NoAlertPresentException e) {
                return false;
            }
        });
        waiting().until(d -> d.findElement(By.id("order-status")).getText().equals("CANCELLED"));
        assertThat(find("#flash").getText()).contains("Order cancelled: buyer asked by phone");
        assertThat(new HubClient(PORT).get("/api/orders/" + id).text("status")).isEqualTo("CANCELLED");
        shot("04-order-cancelled");
    }

    @Test
    @Order(3)
    void anExceptionIsFixedAndReplayed() throws IOException {
        String sku = "BROWSER-" + UUID.randomUUID().toString().substring(0, 6);
        new HubClient(PORT).setStock(sku, "main", 3);
        String broken = OrderJson.of("BR-" + sku, sku, 1).replace("\"currency\":\"EUR\",", "")
                .replaceFirst("\\{", "{\"channel\":\"webshop\",");
        long id = exceptions.park("queue:orders.intake", "currency: is required", broken);
        browser.get(url("/console/exceptions"));
        find("#exceptions-table").findElement(By.linkText(String.valueOf(id))).click();
        WebElement payload = find("#payload");
        assertThat(find("#exception-reason").getText()).contains("currency: is required");
        payload.clear();
        payload.sendKeys(broken.replace("\"placedAt\"", "\"currency\":\"EURO\",\"placedAt\""));
        browser.findElement(By.id("replay")).click();
        waiting().until(d -> d.findElement(By.id("flash")).getText().contains("currency"));
        assertThat(browser.findElement(By.id("flash")).getAttribute("class")).contains("error");
        shot("05-exception-fix-refused");
        payload = find("#payload");
        payload.clear();
        payload.sendKeys(broken.replace("\"placedAt\"", "\"currency\":\"EUR\",\"placedAt\""));
        browser.findElement(By.id("replay")).click();
        waiting().until(d -> d.findElement(By.id("exception-status")).getText().equals("REPLAYED"));
        HubClient hub = new HubClient(PORT);
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.get("/api/orders?sku=" + sku).json().get("items").size() == 1);
        shot("06-exception-replayed");
    }

    @Test
    @Order(4)
    void aCsvImportRunsToTheEndOfItsProgressBar() throws IOException {
        StringBuilder csv = new StringBuilder("sku,location,onHand\n");
        for (int i = 0; i < 3000; i++) {
            csv.append("BROWSER-IMPORT-").append(i).append(",main,").append(i % 50).append('\n');
        }
        csv.append("BROWSER-IMPORT-BAD,nowhere,1\n");
        Path file = Files.createTempFile("console-import", ".csv");
        Files.writeString(file, csv);
        browser.get(url("/console/stock"));
        find("#import-link").click();
        find("#import-file").sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("import-start")).click();
        find("#import-bar");
        try {
            new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofMillis(200))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(d -> d.findElement(By.id("import-state")).getText().equals("DONE"));
        } finally {
            shot("07-import-progress");
        }
        assertThat(browser.findElement(By.id("import-bar")).getAttribute("value")).isEqualTo("100");
        assertThat(browser.findElement(By.id("import-rows")).getText()).isEqualTo("3001 of 3001");
        assertThat(find("#import-rejects").getText()).contains("3002").contains("nowhere");
        shot("07-import-done");
        browser.get(url("/console/stock/sku/BROWSER-IMPORT-49"));
        assertThat(find("#sku-on-hand").getText()).isEqualTo("49");
        shot("08-sku");
    }

    @Test
    @Order(6)
    void onATabletThePagesFitTheScreen() throws IOException {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(820, 1180));
        try {
            for (String path : List.of("/", "/console/orders", "/console/exceptions", "/console/stock", "/console/kpis")) {
                browser.get(url(path));
                find("main");
                Long overflow = (Long) ((org.openqa.selenium.JavascriptExecutor) browser)
                        .executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
                assertThat(overflow).as(path + " wider than a tablet's screen").isLessThanOrEqualTo(0L);
            }
            browser.get(url("/"));
            find("#orders-per-channel");
            shot("10-tablet-overview");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        }
    }

    @Test
    @Order(5)
    void aViewerSignedInSeesTheOrderButNoActions() throws IOException {
        HubClient admin = new HubClient(PORT);
        String key = admin.post("/api/keys", "{\"name\":\"browser viewer\",\"role\":\"viewer\"}").text("key");
        String id = admin.get("/api/orders?status=RESERVED&limit=1").json().get("items").get(0).get("hubOrderId").asText();
        browser.get(url("/console/login"));
        find("#api-key").sendKeys(key);
        browser.findElement(By.id("sign-in")).click();
        waiting().until(d -> d.findElement(By.id("who-role")).getText().equals("viewer"));
        browser.get(url("/console/orders/" + id));
        assertThat(find("#order-status").getText()).isNotEmpty();
        assertThat(browser.findElements(By.id("cancel-order"))).as("a viewer gets no cancel button").isEmpty();
        shot("09-viewer-order");
        find("#sign-out").click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/console/login"));
    }

    @Test
    @Order(7)
    void theKpiPageDrawsEveryKpiWithItsThresholdsPerChannel() throws IOException {
        browser.get(url("/"));
        find("a[href='/console/kpis']").click();
        find("#kpis-table");
        List<WebElement> rows = browser.findElements(By.cssSelector("#kpis-table tr[id^='kpis-']"));
        assertThat(rows).as("a row per demo channel").hasSizeGreaterThanOrEqualTo(5);
        String other = rows.get(1).getAttribute("id").substring("kpis-".length());
        new Select(find("select[name='channel']")).selectByValue(other);
        find("form.filters button[type='submit']").click();
        waiting().until(d -> d.getCurrentUrl().contains("channel=" + other));
        assertThat(browser.findElements(By.cssSelector("#kpi-charts .chart"))).hasSize(5);
        assertThat(find("#chart-lsr .rule.alert text").getText()).isEqualTo("alert 4.0 %");
        assertThat(find("#chart-lsr .rule.warn text").getText()).isEqualTo("warn 3.0 %");
        assertThat(find("#chart-vtr .rule.alert text").getText()).isEqualTo("alert 95.0 %");
        assertThat(find("#chart-lsr .basis").getText()).startsWith("Over 10 days:");
        shot("11-kpis");
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("document.getElementById('kpi-charts').scrollIntoView();");
        shot("12-kpi-charts");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(8)
    void anAlertIsRaisedAndClearedOnTheAlertsPage() throws IOException {
        assertThat(new HubClient(PORT).get("/api/channels/manual").status()).isEqualTo(200);
        browser.get(url("/"));
        find("a[href='/console/alerts']").click();
        find("#open-alerts");
        assertThat(browser.findElement(By.id("open-alerts")).getText()).doesNotContain("Channel manual is down");
        health.down("manual", "orders-in", "browser test: the marketplace answers 503");
        try {
            // The hub evaluates every 500 ms here; the page refreshes itself every 10 s.
            WebElement raised = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(200))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(d -> d.findElements(By.cssSelector("#open-alerts tr[id^='alert-']")).stream()
                            .filter(r -> r.getText().contains("Channel manual is down")).findFirst().orElse(null));
            assertThat(raised.findElement(By.cssSelector(".badge")).getText()).isEqualTo("alert");
            assertThat(raised.getText()).contains("503", "connector.down");
            shot("13-alert-raised");
            browser.get(url("/"));
            assertThat(Long.parseLong(find("#active-alerts").getText())).isGreaterThanOrEqualTo(1);
            assertThat(find("#alerts-table").getText()).contains("Channel manual is down");
            find("a[href='/console/alerts']").click();
            find("#open-alerts");
        } finally {
            health.up("manual", "orders-in");
        }
        new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(200))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(By.id("cleared-alerts")).getText().contains("Channel manual is down")
                        && !d.findElement(By.id("open-alerts")).getText().contains("Channel manual is down"));
        shot("14-alert-cleared");
    }
}
