package io.discovery.agent.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.etcd.EtcdServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console page in a real headless browser (Debian's chromium, driven through its chromedriver)
 * against a real etcd: instances and services registered and deregistered while the page is open
 * show up and go away without a reload; registry data is shown as text, never run; a registry that
 * goes away turns the views stale on the page. Saves a screenshot in target/ (and the README's, docs/console.png,
 * with -Dconsole.screenshot=docs).
 */
class ConsoleBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private static final String HOSTILE = "<img src=x onerror=alert(1)><script>alert('x')</script> & \"quoted\"";

  @Test
  void thePageFollowsTheRegistryWithoutAReload() throws Exception {
    requireBrowser();
    EtcdServer etcd = EtcdServer.start();
    boolean etcdClosed = false;
    // A short shutdown timeout: at the end etcd is gone, so deregistering on close cannot succeed.
    try (DiscoveryClient services = DiscoveryClient.builder().registry(etcd.uri()).withoutShutdownHook()
             .shutdownTimeout(Duration.ofMillis(500)).build();
         DiscoveryClient reader = DiscoveryClient.builder().registry(etcd.uri()).withoutShutdownHook().build()) {
      List<Registration> startup = new ArrayList<>();
      startup.add(services.register(instance("web", "web-1", "10.0.1.11:8080", "eu-west-1a", 10)
          .metadata("version", "2.4.1").metadata("commit", "9f3c2e1").build()));
      Registration web2 = services.register(instance("web", "web-2", "10.0.1.12:8080", "eu-west-1b", 10)
          .metadata("version", "2.4.1").metadata("commit", "9f3c2e1").build());
      startup.add(web2);
      startup.add(services.register(instance("payments", "payments-1", "10.0.2.21:8443", "eu-west-1a", 5).secure()
          .metadata("version", "1.8.0").metadata("pci", "true").build()));
      Registration probe = services.register(instance("probe", "probe-1", "10.0.9.9:9000", null, 1)
          .metadata("note", HOSTILE).build());
      startup.add(probe);
      for (Registration r : startup) {
        r.awaitRegistered(DEADLINE);
      }

      try (Console console = Console.builder(reader).registry(etcd.uri())
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).refresh(Duration.ofMillis(500)).start()) {
        WebDriver browser = chromium();
        try {
          browser.get(console.uri().toString());
          WebDriverWait wait = new WebDriverWait(browser, DEADLINE, Duration.ofMillis(25));
          wait.ignoring(StaleElementReferenceException.class);
          wait.until(rows("web", "web-1", "web-2"));
          wait.until(rows("payments", "payments-1"));
          wait.until(rows("probe", "probe-1"));
          JavascriptExecutor js = (JavascriptExecutor) browser;
          js.executeScript("window.loadedOnce = 'this page was not reloaded';");

          // Registry data is text: the markup in the metadata shows as written, and nothing of it runs.
          wait.until(d -> HOSTILE.equals(d.findElement(
              By.cssSelector("[data-service='probe'] [data-key='note'] .chip-value")).getText()));
          assertThat(browser.findElements(By.tagName("img"))).isEmpty();
          assertThat(browser.findElements(By.cssSelector("main script"))).isEmpty();
          assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

          long registered = System.nanoTime();
          services.register(instance("web", "web-3", "10.0.1.13:8080", "eu-west-1c", 20)
              .metadata("version", "2.5.0-rc1").metadata("commit", "a41be07").build());
          wait.until(rows("web", "web-1", "web-2", "web-3"));
          long newInstanceMs = millisSince(registered);

          long newService = System.nanoTime();
          services.register(instance("orders", "orders-1", "10.0.3.31:9090", "eu-west-1b", 1)
              .metadata("version", "0.9.3").metadata("canary", "true").build());
          wait.until(rows("orders", "orders-1"));
          long newServiceMs = millisSince(newService);

          long deregistered = System.nanoTime();
          web2.close();
          wait.until(d -> d.findElements(By.cssSelector("[data-service='web'] tr[data-instance='web-2']")).isEmpty());
          long goneMs = millisSince(deregistered);
          assertThat(browser.findElements(By.cssSelector("[data-service='web'] tr[data-instance]"))).hasSize(2);

          probe.close();
          wait.until(d -> d.findElements(By.cssSelector("[data-service='probe']")).isEmpty());
          assertThat(js.executeScript("return window.loadedOnce;")).isEqualTo("this page was not reloaded");
          assertThat(browser.findElement(By.id("connection")).getAttribute("data-state")).isEqualTo("live");
          wait.until(d -> d.findElements(By.cssSelector("section.service")).size() == 3);

          // target/ on every run; docs/ (the README's picture) only when asked: -Dconsole.screenshot=docs
          screenshot(browser, Path.of("target", "console.png"));
          if ("docs".equals(System.getProperty("console.screenshot"))) {
            screenshot(browser, repositoryRoot().resolve("docs").resolve("console.png"));
          }

          etcd.close();
          etcdClosed = true;
          wait.until(d -> d.findElement(By.cssSelector("[data-service='web']")).getAttribute("class").contains("is-stale")
              && !d.findElements(By.cssSelector("[data-service='web'] .badge-stale")).isEmpty());
          wait.until(d -> d.findElement(By.id("alerts")).getText().contains("Cannot list the services"));
          assertThat(js.executeScript("return window.loadedOnce;")).isEqualTo("this page was not reloaded");

          System.out.printf("console in chromium: a new instance on the open page after %d ms, a new service after %d ms"
              + " (re-listed every 500 ms), a deregistered instance gone after %d ms%n", newInstanceMs, newServiceMs, goneMs);
        } finally {
          browser.quit();
        }
      }
    } finally {
      if (!etcdClosed) {
        etcd.close();
      }
    }
  }

  private static ServiceInstance.Builder instance(String service, String id, String hostPort, String zone, int weight) {
    ServiceInstance.Builder b = ServiceInstance.builder(service, hostPort).id(id).weight(weight);
    return zone == null ? b : b.zone(zone);
  }

  /** Until the card of {@code service} shows exactly the rows of {@code ids}. */
  private static Function<WebDriver, Boolean> rows(String service, String... ids) {
    return d -> {
      List<String> shown = d.findElements(By.cssSelector("[data-service='" + service + "'] tr[data-instance]")).stream()
          .map(row -> row.getAttribute("data-instance")).toList();
      return shown.equals(List.of(ids));
    };
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /** The whole page, cropped to its content, as a PNG at {@code file}. */
  private static void screenshot(WebDriver browser, Path file) throws IOException {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    long height = (Long) js.executeScript("return document.body.scrollHeight;");
    long chrome = (Long) js.executeScript("return window.outerHeight - window.innerHeight;");
    browser.manage().window().setSize(new Dimension(1280, (int) Math.min(2400, height + chrome + 40)));
    Files.createDirectories(file.getParent());
    Files.write(file, browser.findElement(By.tagName("body")).getScreenshotAs(OutputType.BYTES));
  }

  /** The directory above this module: the one with the docs/ the README links to. */
  private static Path repositoryRoot() {
    Path module = Path.of("").toAbsolutePath();
    Path root = module.getParent();
    if (root == null || !Files.isRegularFile(root.resolve("pom.xml"))) {
      throw new IllegalStateException("expected to run in discovery-agent/ of the repository, not in " + module);
    }
    return root;
  }

  /** Debian's chromium driven through its own chromedriver: nothing for Selenium Manager to download. */
  private static WebDriver chromium() {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
        "--force-device-scale-factor=1", "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** Chromium and its driver, or a failure that says how to get them: this test is never skipped. */
  private static void requireBrowser() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM.toString());
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      missing.add(CHROMEDRIVER.toString());
    }
    if (missing.isEmpty()) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(String.join(" and ", missing) + " missing on CI: the CI job must install Debian's chromium and "
          + "chromium-driver packages (./scripts/test.sh does)");
    }
    fail(String.join(" and ", missing) + " missing: run ./scripts/test.sh, which installs Debian's chromium and "
        + "chromium-driver packages, or apt-get install chromium chromium-driver");
  }
}
