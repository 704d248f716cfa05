package dev.quire.support;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium, driven by Selenium through Debian's chromedriver (nothing is downloaded: Selenium
 * Manager is never asked). Register it with {@code @RegisterExtension}: on an instance field each test gets a
 * fresh browser with its own profile; on a static field made by {@link #sharedByTheClass()} the class's tests
 * share one browser (starting Chromium costs seconds), each test in a fresh tab of its own (its own
 * sessionStorage, no cookies, the default window size, an empty console). When a test fails its screenshot,
 * page source and console are saved under {@code target/browser-failures/} before the browser or tab closes. {@link #screenshot} saves a picture of the
 * page under {@code target/screenshots/} whenever a test asks, pass or fail.
 */
public final class Browser
        implements BeforeAllCallback, BeforeEachCallback, AfterTestExecutionCallback, AfterEachCallback, AfterAllCallback {
    private static final Path CHROMIUM = Path.of(System.getProperty("quire.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("quire.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Path FAILURES = Path.of("target", "browser-failures");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final boolean shared;
    private ChromeDriver driver;
    private Path profile;
    /** Console entries read so far: reading the browser's log empties it. */
    private final List<LogEntry> console = new ArrayList<>();

    /** A browser for each test (register on an instance field). */
    public Browser() {
        this(false);
    }

    private Browser(boolean shared) {
        this.shared = shared;
    }

    /** One browser for all the tests of a class, a fresh tab for each (register on a static field). */
    public static Browser sharedByTheClass() {
        return new Browser(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (shared) {
            start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!shared) {
            start();
        } else if (driver == null) {
            throw new IllegalStateException("Browser.sharedByTheClass() belongs on a static field");
        } else {
            freshTab();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (!shared) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (shared) {
            stop();
        }
    }

    private void start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("Browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)");
        }
        profile = Files.createTempDirectory("quire-chromium");
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // the flags that keep Chromium from calling out to the (closed) network, as measured in RECIPES.md
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,900", "--user-data-dir=" + profile);
        var logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(PATIENCE);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (driver != null && context.getExecutionException().isPresent()) {
            saveFailure(context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
        }
    }

    /** Opens a new tab, closes the others, and forgets what the earlier test left behind. */
    private void freshTab() {
        String fresh = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
        for (String handle : driver.getWindowHandles()) {
            if (!handle.equals(fresh)) {
                driver.switchTo().window(handle).close();
            }
        }
        driver.switchTo().window(fresh);
        driver.manage().deleteAllCookies();
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.manage().logs().get(LogType.BROWSER); // the earlier test's console, read and dropped
        console.clear();
    }

    private void stop() throws IOException {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
            }
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(URI uri) {
        driver.get(uri.toString());
    }

    /**
     * Waits until the condition holds (returns something other than null or false), failing after 10 s. The page
     * redraws parts of itself, so an element that went stale while being looked at means "not yet".
     */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, PATIENCE).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** The displayed element {@code by} finds, once there is one. */
    public WebElement visible(By by) {
        return await("an element " + by + " to be displayed", d -> d.findElements(by).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** Waits until a displayed element {@code by} finds contains {@code text}. */
    public WebElement showing(By by, String text) {
        return await("an element " + by + " to show \"" + text + "\"", d -> d.findElements(by).stream()
                .filter(e -> e.isDisplayed() && e.getText().contains(text)).findFirst().orElse(null));
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /**
     * Makes the page's viewport exactly {@code width} x {@code height} CSS pixels at one device pixel each (a
     * headless window's size is not quite its viewport's), so screenshots have that size. Below 600 px it is a
     * phone's: scrollbars lie over the page instead of taking 15 px of its width.
     */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
    }

    /**
     * Takes the current tab's network away, or gives it back, as Chromium's DevTools do: the page is told it is
     * offline ({@code navigator.onLine}, the offline and online events) and every new request fails, as when the
     * Wi-Fi drops. A response already being read is not cut by Chromium itself.
     */
    public void offline(boolean offline) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", offline, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
    }

    /** Runs an asynchronous script: it ends by calling its last argument with the result. */
    public Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    /** Saves what the viewport shows as {@code target/screenshots/<name>.png}, and returns that file. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        // no caret blinking into or out of the picture, no focus ring that depends on timing
        script("document.activeElement?.blur()");
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** Everything the page wrote to the console since the browser started. */
    public List<String> console() {
        driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
        return console.stream().map(entry -> entry.getLevel() + " " + entry.getMessage()).toList();
    }

    private void saveFailure(String name) {
        try {
            Files.createDirectories(FAILURES);
            Files.write(FAILURES.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            Files.writeString(FAILURES.resolve(name + ".html"), driver.getPageSource(), StandardCharsets.UTF_8);
            Files.write(FAILURES.resolve(name + ".console.txt"), console(), StandardCharsets.UTF_8);
            Files.writeString(FAILURES.resolve(name + ".url.txt"), driver.getCurrentUrl() + System.lineSeparator());
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not save the browser's state for " + name + ": " + e);
        }
    }

    /** Finds by the text a button or link shows, which is what a person looks for. */
    public static By button(String text) {
        return By.xpath("//*[self::button or self::a][normalize-space(.)='" + text + "']");
    }
}
