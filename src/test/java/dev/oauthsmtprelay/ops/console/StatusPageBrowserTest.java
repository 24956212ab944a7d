package dev.oauthsmtprelay.ops.console;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The status page in Debian's Chromium, driven by Selenium through chromedriver: it shows the relay's numbers, an
 * action without the console token is refused, one with it works. The screenshot is kept as
 * {@code target/status-page.png}. {@code .ci/run} installs chromium and chromium-driver when they are missing.
 */
class StatusPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "console-t0ken-for-the-test";

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    private final int port = FreePort.find();
    private RelayHarness relay;
    private WebDriver browser;

    @BeforeEach
    void start() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI must have Debian's chromium and chromium-driver: .ci/run installs them");
        }
        assumeTrue(present, "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        XOAuth2SmtpHub hub = bed.hub();
        hub.setSmtpAuthDisabledForTenant(true); // delivery pauses, so the mail stays to be acted on
        relay = bed.relay(dir, Map.of("relay.health.port", port, "relay.console.token", TOKEN));
        relay.drop("a.eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: one\r\n\r\nx\r\n");
        relay.drop("b.eml", "From: billing@example.com\r\nTo: other@example.net\r\nSubject: two\r\n\r\nx\r\n");
        await(Duration.ofSeconds(20), () -> relay.queueDepth() == 2 && ((DeliveryGate) relay.context().getRegistry()
                .lookupByName("relayDeliveryGate")).isPaused(), () -> "two queued and delivery paused");
        ((FlowHistory) relay.context().getRegistry().lookupByName("relayFlowHistory")).sample();

        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1200,1600", "--user-data-dir=" + dir.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void the_page_shows_the_numbers_refuses_an_action_without_the_token_and_holds_with_it() throws Exception {
        browser.get("http://127.0.0.1:" + port + "/console");
        assertThat(browser.findElement(By.id("queue-depth")).getText()).isEqualTo(String.valueOf(relay.queueDepth()))
                .isEqualTo("2");
        assertThat(browser.findElement(By.id("dead-letters")).getText()).isEqualTo("0");
        assertThat(browser.findElement(By.id("held")).getText()).isEqualTo("0");
        assertThat(browser.findElement(By.id("flow")).getText()).contains("PAUSED").contains("billing@example.com");
        assertThat(browser.findElements(By.cssSelector("svg polyline"))).hasSize(3);
        assertThat(browser.getPageSource()).doesNotContain(TOKEN);

        assertThat(submitFirstHold().getText()).startsWith("Refused").contains("relay.console.token");
        assertThat(browser.findElement(By.id("held")).getText()).isEqualTo("0");

        browser.findElement(By.id("token")).sendKeys(TOKEN);
        assertThat(submitFirstHold().getText()).isEqualTo(
                "hold: 1 message(s) (id " + browser.findElements(By.cssSelector("#mail tr td:first-child")).stream()
                        .filter(cell -> cell.findElement(By.xpath("following-sibling::td[1]")).getText().equals("held"))
                        .findFirst().orElseThrow().getText() + ")");
        assertThat(browser.findElement(By.id("held")).getText()).isEqualTo("1");
        assertThat(browser.getPageSource()).doesNotContain(TOKEN);

        Path screenshot = Path.of("target", "status-page.png");
        Files.createDirectories(screenshot.getParent());
        Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    /**
     * Clicks the first hold button and returns the notice of the page the form post loads. The click returns before
     * the browser has replaced the page, so it waits for the old page to go stale first.
     */
    private WebElement submitFirstHold() {
        WebElement before = browser.findElement(By.tagName("html"));
        browser.findElements(By.cssSelector("#mail button[value^='hold ']")).get(0).click();
        await(Duration.ofSeconds(20), () -> isStale(before) && !browser.findElements(By.id("notice")).isEmpty(),
                () -> "the page after the form post, with its notice");
        return browser.findElement(By.id("notice"));
    }

    /**
     * Whether the page that held {@code element} has been replaced. While the replacement is under way ChromeDriver
     * can answer with an inspector error instead of a stale element ("Node with given id does not belong to the
     * document"), which failed CI once; it means the same.
     */
    private static boolean isStale(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException replaced) {
            return true;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    @Test
    void a_form_posted_from_another_site_is_refused() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/console"))
                .header("Origin", "http://attacker.example").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + TOKEN + "&do=delete+x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("sent from another site");
        assertThat(relay.queueDepth()).isEqualTo(2);
    }
}
