package io.switchboard.server.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.http.ClientConfig;

/**
 * Debian's Chromium, headless, driven by Debian's ChromeDriver through Selenium.
 *
 * <p>Both executables are named explicitly, so Selenium Manager never runs: it would try to
 * download a driver, and the CI machine has no network. When either is missing the test fails
 * with how to install them ({@code .ci/run} does): a browser test that skips itself silently would
 * let the browser half of the contract go untested.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  /** How long one WebDriver command may take, so a hung browser fails the test instead of stalling it. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Selenium warns at every start that it has no DevTools binding for this Chromium; the tests use
   * none. Held in a field because java.util.logging forgets the level of a logger nobody holds.
   */
  private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_VERSION_FINDER.setLevel(Level.SEVERE);
  }

  private final ChromeDriver driver;

  private HeadlessChromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /**
   * Starts a browser with an empty profile in {@code profileDirectory}.
   *
   * @throws IllegalStateException when Chromium or ChromeDriver is not installed
   */
  static HeadlessChromium start(Path profileDirectory) {
    requireInstalled(BROWSER, "chromium");
    requireInstalled(DRIVER, "chromium-driver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    // Without the background-networking flags Chromium keeps calling Google's hosts, which the
    // closed network of CI refuses.
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profileDirectory.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options, ClientConfig.defaultConfig().readTimeout(COMMAND_TIMEOUT));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15)).scriptTimeout(Duration.ofSeconds(5));
    return new HeadlessChromium(driver);
  }

  /** Opens {@code url} and waits for the page to load. */
  void open(String url) {
    driver.get(url);
  }

  /** Runs {@code script} in the page and answers what it returns, which must be a string. */
  String evaluate(String script) {
    Object result = ((JavascriptExecutor) driver).executeScript(script);
    if (!(result instanceof String text)) {
      throw new IllegalStateException("the script " + script + " answered " + result + ", not a string");
    }
    return text;
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static void requireInstalled(Path executable, String debianPackage) {
    if (!Files.isExecutable(executable)) {
      throw new IllegalStateException(executable + " is missing (Debian package " + debianPackage + "): the browser test"
          + " needs Debian's chromium and chromium-driver; install them with apt-get install -y chromium chromium-driver,"
          + " as .ci/run does");
    }
  }
}
