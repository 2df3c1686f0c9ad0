package dev.cossim.plots;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.engine.ProgressListener;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.source.Tensor;
import dev.cossim.source.TensorFile;
import dev.cossim.source.TensorInfo;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.Synthetic;
import dev.cossim.vocab.TokenVocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The report of a small synthetic model: its numbers against a brute force, the page self-contained, and the page
 * opened in a real headless Chromium (skipped when Debian's chromium and chromedriver are absent; CI installs them).
 */
class ReportTest {
    static final int N = 400, D = 16;
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static float[] m;
    static String[] tokens;
    static ReportData data;
    static String html;
    static final AtomicInteger passes = new AtomicInteger();

    @BeforeAll
    static void build() {
        m = Synthetic.gaussian(N, D, 11);
        Synthetic.duplicate(m, D, 50, 60, 2f);
        tokens = new String[N];
        for (int i = 0; i < N; i++) {
            tokens[i] = i >= 1 && i <= 30 ? "[unused" + (i - 1) + "]" : "tok" + i;
        }
        tokens[77] = "</script><b>bold";  // must stay text, never markup
        Tensor t = Synthetic.tensor(m, N, D);
        TensorFile file = new TensorFile() {
            public String origin() {
                return "synthetic";
            }

            public List<TensorInfo> tensors() {
                return List.of();
            }

            public Tensor tensor(String name) {
                return t;
            }

            public void close() {
            }
        };
        EmbeddingModel model = new EmbeddingModel("synthetic 400 x 16", file, t, new TokenVocabulary(tokens, false));
        ProgressListener counting = new ProgressListener() {
            public void begin(String task, long total) {
                passes.incrementAndGet();
            }

            public void advance(long done) {
            }

            public void end() {
            }
        };
        List<String> log = new ArrayList<>();
        ReportBuilder.Options o = new ReportBuilder.Options(5, 64, 2000, true, 300, 1, "^\\[unused", 128, null);
        data = new ReportBuilder(new AllPairsEngine(new VectorTileKernel(), 2, 64), counting, log::add).build(model, o, null);
        html = HtmlReport.render(data);
    }

    @Test
    void oneCosinePassAndTheNumbers() {
        assertEquals(2, passes.get(), "one cosine pass for all reducers, one correlation pass");
        BruteForce ref = new BruteForce(m, N, D);
        ReportData.NeighborTable nt = data.neighbors();
        assertEquals(5, nt.k());
        for (int r : new int[]{0, 50, 77, 399}) {
            int[] want = ref.topK(r, 5);
            for (int q = 0; q < 5; q++) {
                assertEquals(ref.sim(r, want[q]), nt.similarities()[r * 5 + q], 1e-5, "row " + r + " rank " + q);
            }
        }
        assertEquals(60, nt.neighbors()[50 * 5], "the exact duplicate is row 50's first neighbour");
        assertTrue(data.summary().stream().anyMatch(e -> e.value().startsWith("30 of 400")), "unused count");
        assertEquals(10, data.figures().size());
    }

    @Test
    void pageIsSelfContained() {
        assertFalse(Pattern.compile("(src|href)=\"(?!data:)", Pattern.CASE_INSENSITIVE).matcher(html).find(), "only data: URIs");
        assertFalse(html.contains("<link"), "no external stylesheet");
        assertFalse(html.contains("</script><b>bold"), "tokens are escaped, in HTML and inside the JSON");
        assertTrue(html.contains("&lt;/script&gt;&lt;b&gt;bold") || html.contains("<\\/script><b>bold"), "the token is there");
        Matcher img = Pattern.compile("<img ").matcher(html);
        int images = 0;
        while (img.find()) {
            images++;
        }
        assertEquals(10, images);
        assertTrue(html.contains("Near-duplicate groups</h2>\n<p class=\"missing\">Not computed."));
    }

    @Test
    void nearDuplicateGroupsRenderWhenGiven() {
        ReportData withGroups = new ReportData(data.title(), data.summary(), List.of(), data.neighbors(),
                new ReportData.NearDuplicates("cosine", 0.99, List.of(new int[]{50, 60}, new int[]{1, 2, 77})));
        String page = HtmlReport.render(withGroups);
        assertTrue(page.contains("2 groups of tokens linked by cosine &ge; 0.99"));
        assertTrue(page.contains("<li>(2) <code>tok50</code>, <code>tok60</code></li>"));
        assertTrue(page.contains("<code>&lt;/script&gt;&lt;b&gt;bold</code>"));
    }

    @Test
    void opensInHeadlessChromium(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are not installed (CI installs them)");
        Path page = dir.resolve("report.html");
        HtmlReport.write(data, page);
        ChromeOptions opts = new ChromeOptions();
        opts.setBinary(CHROMIUM.toFile());
        opts.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        opts.setCapability("goog:loggingPrefs", logs);
        // The driver path is given, so Selenium Manager never looks for (or downloads) one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, opts);
        try {
            driver.get(page.toUri().toString());
            List<String> errors = new ArrayList<>();
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                    errors.add(e.getMessage());
                }
            }
            assertEquals(List.of(), errors, "console errors");

            List<WebElement> imgs = driver.findElements(By.tagName("img"));
            assertEquals(10, imgs.size());
            for (WebElement img : imgs) {
                Object ok = driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", img);
                assertEquals(Boolean.TRUE, ok, "image loaded: " + img.getAttribute("alt"));
            }

            WebElement box = driver.findElement(By.id("search"));
            box.sendKeys("tok50");
            WebElement result = driver.findElement(By.id("neighbors"));
            List<WebElement> cells = result.findElements(By.cssSelector("tr td:nth-child(2)"));
            assertEquals(5, cells.size(), result.getText());
            assertEquals("tok60", cells.getFirst().getText(), "the duplicate first");
            int[] want = new BruteForce(m, N, D).topK(50, 5);
            for (int q = 0; q < 5; q++) {
                assertEquals(tokens[want[q]], cells.get(q).getText());
            }

            box.clear();
            box.sendKeys("</script><b>bold");
            assertTrue(result.getText().contains("Nearest neighbours of \"</script><b>bold\" (id 77)"), result.getText());
            box.clear();
            box.sendKeys("nosuchtoken");
            assertTrue(result.getText().contains("No token"), result.getText());
            assertTrue(driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue()), "no errors while searching");
            // The console channel really reports errors: a probe error must come through it.
            driver.executeScript("console.error('cossim-probe')");
            assertTrue(driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .anyMatch(e -> e.getLevel() == Level.SEVERE && e.getMessage().contains("cossim-probe")), "console errors are captured");
        } finally {
            driver.quit();
        }
    }
}
