package io.traittrace.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium per test (JUnit extension): Debian's {@code chromium} driven through Debian's
 * {@code chromium-driver}, both named explicitly, so Selenium Manager is never asked for (or to download) a browser
 * or a driver. When a test fails, the page it was on is kept under {@code target/browser/}: a screenshot, the page
 * source and the browser's console log. The browser is quit after every test, failed or not.
 *
 * <p>Without the two binaries (another distribution, no {@code apt install chromium chromium-driver}) the tests
 * that use it are skipped; CI ({@code .ci/run}) installs them. Other paths: system properties
 * {@value #CHROMIUM_PROPERTY} and {@value #DRIVER_PROPERTY}.
 */
public final class Browser implements BeforeEachCallback, AfterTestExecutionCallback, AfterEachCallback {

    public static final String CHROMIUM_PROPERTY = "traittrace.chromium";
    public static final String DRIVER_PROPERTY = "traittrace.chromedriver";
    /** Generous for a loaded 2-core machine; every wait ends as soon as its condition holds. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final Path failures = Path.of("target", "browser");
    private final List<String> log = new ArrayList<>();
    private ChromeDriver driver;

    @Override
    public void beforeEach(ExtensionContext context) {
        Path chromium = Path.of(System.getProperty(CHROMIUM_PROPERTY, "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getProperty(DRIVER_PROPERTY, "/usr/bin/chromedriver"));
        Assumptions.assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver),
                "Needs Debian's chromium and chromium-driver at " + chromium + " and " + chromedriver);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1280,900");
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        // An explicit driver executable: Selenium's DriverFinder then skips Selenium Manager altogether.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        log.clear();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (driver != null && context.getExecutionException().isPresent()) {
            keepEvidence(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (driver != null) {
            try {
                driver.quit();
            } finally {
                driver = null;
            }
        }
    }

    public WebDriver driver() {
        if (driver == null) {
            throw new IllegalStateException("No browser: the extension starts one before each test");
        }
        return driver;
    }

    public void open(String url) {
        driver().get(url);
    }

    /** Waits until an element is displayed, and returns it. */
    public WebElement visible(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public WebElement visible(String id) {
        return visible(By.id(id));
    }

    /** Waits until the browser shows a URL that starts with the prefix (after any redirects). */
    public void awaitUrl(String prefix) {
        waiting().until(d -> d.getCurrentUrl() != null && d.getCurrentUrl().startsWith(prefix));
    }

    public WebDriverWait waiting() {
        return new WebDriverWait(driver(), WAIT);
    }

    public boolean present(By by) {
        return !driver().findElements(by).isEmpty();
    }

    /**
     * Every line the browser's console printed since the test began ("LEVEL message"); the page's own script errors
     * and Content-Security-Policy refusals show up here.
     */
    public List<String> consoleLog() {
        for (LogEntry entry : driver().manage().logs().get(LogType.BROWSER)) {
            log.add(entry.getLevel() + " " + entry.getMessage());
        }
        return List.copyOf(log);
    }

    /** Keycloak's own login form (realm traittrace), filled in as a user would; the browser must be on it. */
    public void logIn(KeycloakServer keycloak, String user) {
        awaitUrl(keycloak.issuer() + "/protocol/openid-connect/auth");
        visible("username").sendKeys(user);
        driver().findElement(By.id("password")).sendKeys(keycloak.demoPassword(user));
        driver().findElement(By.id("kc-login")).click();
    }

    /**
     * The console lines that say a page went wrong: a refusal by its Content-Security-Policy, a script error, or a
     * server error for anything it loaded. Empty when the pages behaved.
     */
    public List<String> pageErrors() {
        return consoleLog().stream().filter(line -> line.contains("Content Security Policy")
                || line.contains("Content-Security-Policy") || line.contains("Uncaught")
                || line.matches(".*status of 5\\d\\d.*")).toList();
    }

    private void keepEvidence(String name) {
        try {
            Files.createDirectories(failures);
            Files.write(failures.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
            Files.writeString(failures.resolve(name + ".html"),
                    "<!-- " + driver.getCurrentUrl() + " at " + Instant.now() + " -->\n" + driver.getPageSource(),
                    StandardCharsets.UTF_8);
            Files.write(failures.resolve(name + ".console.log"), consoleLog(), StandardCharsets.UTF_8);
            System.err.println("Browser evidence of the failed test kept in " + failures.toAbsolutePath() + File.separator + name
                    + ".{png,html,console.log} (page " + driver.getCurrentUrl() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // The browser may be the thing that failed; the test's own failure is the one to report.
            System.err.println("Could not keep browser evidence for " + name + ": " + e);
        }
    }
}
