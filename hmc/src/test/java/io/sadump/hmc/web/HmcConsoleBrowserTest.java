package io.sadump.hmc.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.sadump.hmc.HmcMachine;
import io.sadump.hmc.security.HmcSite;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's chromium, headless, driven by its chromedriver (named explicitly:
 * Selenium Manager never downloads anything). An operator logs on, stops the CPUs, loads a machine whose
 * kdump kernel segment was damaged, with store status, watches the messages and the progress bar, sees
 * {@code 0x4533 segment 0 (kernel) corrupted}, finds the dump with its facts; then a Load that passes, and
 * the vmcore appears. Screenshots of each page go to {@code target/screenshots/} (docs/img holds copies).
 */
class HmcConsoleBrowserTest {
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String PW = "operator password";

    @TempDir
    Path tmp;
    Path sys1;
    HmcWebServer server;
    WebDriver driver;
    WebDriverWait wait;
    Path shots;

    @BeforeEach
    void start() throws Exception {
        assertThat(new File(CHROMEDRIVER).canExecute()).as("chromium-driver is installed (run-tests installs it)").isTrue();
        assertThat(new File(CHROMIUM).canExecute()).as("chromium is installed (run-tests installs it)").isTrue();
        Path machines = Files.createDirectories(tmp.resolve("machines"));
        sys1 = WebMachines.create(machines.resolve("sys1"));
        WebMachines.create(machines.resolve("sys2"));
        WebMachines.damageKernelSegment(sys1);
        HmcSite site = WebMachines.site(List.of(machines), tmp.resolve("state"));
        site.users().add("olga", "operator", PW.toCharArray());
        server = new HmcWebServer(site, HmcWebConfig.local(0)).start();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--user-data-dir=" + tmp.resolve("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        shots = Files.createDirectories(Path.of("target", "screenshots"));
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anOperatorDumpsADamagedMachineThenOneThatPasses() throws Exception {
        driver.get(server.url());
        WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user")));
        user.sendKeys("olga");
        driver.findElement(By.id("login-password")).sendKeys("wrong password");
        driver.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "logon refused"));
        driver.findElement(By.id("login-password")).clear();
        driver.findElement(By.id("login-password")).sendKeys(PW);
        shot("login");
        driver.findElement(By.id("login-submit")).click();

        // the systems list
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#systems tr[data-machine=sys1]")));
        String row = driver.findElement(By.cssSelector("#systems tr[data-machine=sys1]")).getText();
        assertThat(row).contains("sys1").contains("48 MiB").contains("operating").contains("loaded")
                .contains("0x4533").contains("0.0.0190 3390");
        assertThat(driver.findElement(By.id("who")).getText()).isEqualTo("olga (operator)");
        shot("systems");

        // the machine: facts, storage map, tasks
        driver.findElement(By.linkText("sys1")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("m-name"), "sys1"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#m-map rect.region-crashkernel")));
        assertThat(driver.findElements(By.cssSelector("#m-map rect.region"))).hasSizeGreaterThan(2);
        assertThat(driver.findElement(By.cssSelector("button[data-task=reset-clear]")).isEnabled())
                .as("an operator's role has no Reset Clear").isFalse();
        shot("machine");

        // Display: the meminfo page with the verdict on it, in the CLI's layout
        driver.findElement(By.cssSelector("button[data-display='meminfo']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("display-text"),
                "verdict: FAIL 0x4533"));
        assertThat(driver.findElement(By.id("display-text")).getText()).contains("meminfo pointer (0x0E18)")
                .contains("kexec segment table: 4 segments");

        // a normal Load of operating CPUs is refused with the fix
        load();
        driver.findElement(By.id("load-ok")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("task-error"), "stop them first"));

        // Stop All asks for the password
        task("stop");
        confirm(PW);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("m-facts"), "stopped"));

        // Load with store status: the verdict fails, the stand-alone dump goes to the DASD
        long before = lines();
        load();
        shot("load");
        driver.findElement(By.id("load-ok")).click();
        WebDriverWait slow = new WebDriverWait(driver, Duration.ofSeconds(60));
        slow.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outcome"), "0x4533"));
        String outcome = driver.findElement(By.id("outcome")).getText();
        assertThat(outcome).contains("0x4533 segment 0 (kernel) corrupted").contains("s390_ext 0.0.0190 (complete)");
        slow.until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "Dump successful"));
        String messages = driver.findElement(By.id("messages")).getText();
        assertThat(messages).contains("0x4533").contains("segment 0 (kernel) corrupted").contains("Dumping 64 bit OS");
        assertThat(lines()).isGreaterThan(before);
        WebElement bar = driver.findElement(By.id("progress"));
        assertThat(bar.isDisplayed()).as("the progress bar showed the dump").isTrue();
        assertThat(Double.parseDouble(bar.getAttribute("value"))).isGreaterThan(0)
                .isEqualTo(Double.parseDouble(bar.getAttribute("max")));
        assertThat(driver.findElement(By.id("progress-text")).getText()).matches("\\d+ / 48 MiB");
        shot("messages");

        // the dump in the dumps list, with its facts
        slow.until(ExpectedConditions.textToBePresentInElementLocated(By.id("dumps-table"), "s390_ext"));
        String dumps = driver.findElement(By.id("dumps-table")).getText();
        assertThat(dumps).contains("Dump format").contains("s390_ext").contains("0.0.0190").contains("yes");
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "document.getElementById('dumps').scrollIntoView()");
        shot("dumps");

        // the re-IPLed system loaded its kdump kernel again (the kdump service at boot): the verdict passes now
        assertThat(messages).contains("kdump: kexec loaded the kdump kernel again");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("m-facts"), "PASS: kdump can start"));
        assertThat(HmcMachine.open(sys1).status().verdict().passed()).isTrue();
        task("stop");
        confirm(PW);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("m-facts"), "stopped"));
        load();
        driver.findElement(By.id("load-ok")).click();
        slow.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outcome"), "PASS"));
        assertThat(driver.findElement(By.id("outcome")).getText()).contains("Dump: vmcore ").contains("/vmcore (complete)");
        slow.until(ExpectedConditions.textToBePresentInElementLocated(By.id("dumps-table"), "vmcore/"));
        assertThat(driver.findElement(By.id("dumps-table")).getText()).contains("elf");
        shot("vmcore");

        // console text is never HTML: a line another process writes shows as it is
        io.sadump.machine.MachineDirectory md = io.sadump.machine.MachineDirectory.open(sys1);
        try (io.sadump.machine.MachineLock lock = md.lock()) {
            md.appendConsole(lock, List.of("<img src=x id=injected onerror=\"document.title='owned'\">"));
        }
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "<img src=x id=injected"));
        assertThat(driver.findElements(By.id("injected"))).isEmpty();
        assertThat(driver.getTitle()).isEqualTo("sadump HMC");
    }

    private long lines() {
        return driver.findElement(By.id("messages")).getText().lines().count();
    }

    private void task(String name) {
        driver.findElement(By.cssSelector("button[data-task='" + name + "']")).click();
    }

    private void confirm(String password) {
        WebElement pw = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-password")));
        pw.sendKeys(password);
        driver.findElement(By.id("confirm-ok")).click();
    }

    /** Opens the Load dialog and fills it: 0.0.0190, Normal, store status, the password. */
    private void load() {
        task("load");
        WebElement address = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("load-address")));
        address.clear();
        address.sendKeys("0.0.0190");
        assertThat(driver.findElement(By.id("load-normal")).isSelected()).isTrue();
        assertThat(driver.findElement(By.id("load-store-status")).isSelected()).isTrue();
        driver.findElement(By.id("load-password")).sendKeys(PW);
    }

    private void shot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(shots.resolve("hmc-" + name + ".png"), png);
    }
}
