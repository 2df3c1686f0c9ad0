package dev.cossim.plots;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.analysis.ProgressListener;
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
        tokens[78] = "<!--";               // with a later "<script>" token: the parser's double-escaped script state
        tokens[79] = "<script>";
        tokens[80] = "a&amp;b";
        EmbeddingModel model = model(m, N, D, tokens);
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
        ReportBuilder.Options o = new ReportBuilder.Options(5, 64, 2000, true, 300, 1, "^\\[unused", 128, null, 0.99, 1000);
        data = new ReportBuilder(new VectorTileKernel(), 2, 64, counting, log::add).build(model, o);
        html = HtmlReport.render(data);
    }

    /** A model over an in-memory matrix with the given tokens. */
    static EmbeddingModel model(float[] m, int n, int d, String[] tokens) {
        Tensor t = Synthetic.tensor(m, n, d);
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
        return new EmbeddingModel("synthetic " + n + " x " + d, file, t, new TokenVocabulary(tokens, false));
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
        assertTrue(html.contains("&lt;/script&gt;&lt;b&gt;bold") || html.contains("\\u003c/script\\u003e\\u003cb\\u003ebold"), "the token is there");
        // The top-k JSON holds none of the three sequences the HTML parser reacts to inside a script element.
        int open = html.indexOf("<script type=\"application/json\" id=\"topk\">");
        String json = html.substring(html.indexOf('>', open) + 1, html.indexOf("</script>", open));
        assertFalse(json.contains("<") || json.contains(">") || json.contains("&"), "no <, > or & at all: none can change how the page parses");
        assertTrue(json.contains("\"\\u003c!--\"") && json.contains("\"\\u003cscript\\u003e\"") && json.contains("\"a\\u0026amp;b\"")
                && json.contains("\"\\u003c/script\\u003e\\u003cb\\u003ebold\""), "the tokens are there, escaped");
        com.fasterxml.jackson.databind.JsonNode parsed;
        try {
            parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertEquals("<!--", parsed.get("tokens").get(78).asText(), "JSON.parse gives the token back exactly");
        assertEquals("a&amp;b", parsed.get("tokens").get(80).asText());
        Matcher img = Pattern.compile("<img ").matcher(html);
        int images = 0;
        while (img.find()) {
            images++;
        }
        assertEquals(10, images);
        assertTrue(html.contains("Near-duplicate groups</h2>\n<p>1 pair has cosine &ge; 0.99 (exact count over every pair)."), "the planted duplicate");
        assertTrue(html.contains("<li>(2) <code>tok50</code>, <code>tok60</code></li>"));
    }

    @Test
    void nearDuplicateGroupsRenderWhenGiven() {
        ReportData withGroups = new ReportData(data.title(), data.summary(), List.of(), data.neighbors(),
                new ReportData.NearDuplicates("cosine", 0.99, 4, 100, List.of(new int[]{1, 2, 77}, new int[]{50, 60})));
        String page = HtmlReport.render(withGroups);
        assertTrue(page.contains("4 pairs have cosine &ge; 0.99 (exact count over every pair). Joined into connected components they make 2 groups of tokens, holding 5 tokens"), page);
        assertTrue(page.contains("<li>(2) <code>tok50</code>, <code>tok60</code></li>"));
        assertTrue(page.contains("<code>&lt;/script&gt;&lt;b&gt;bold</code>"));
    }

    @Test
    void tooManyPairsToGroupSaysSo() {
        ReportData over = new ReportData(data.title(), data.summary(), List.of(), data.neighbors(),
                new ReportData.NearDuplicates("cosine", 0.5, 1_234_567, 1000, null));
        assertTrue(HtmlReport.render(over).contains("1,234,567 pairs have cosine &ge; 0.5: more than the 1,000 this report keeps"));
    }

    /** The builder's groups (one pass, many threads and tiles) against a plain union-find over brute-force cosines. */
    @Test
    void nearDuplicateGroupsEqualBruteForceUnionFind() {
        int n = 150, d = 5;
        double threshold = 0.95;
        float[] x = Synthetic.gaussian(n, d, 7);
        Synthetic.zeroRow(x, d, 9);  // excluded: in no group, ids still original
        String[] tok = new String[n];
        java.util.Arrays.setAll(tok, i -> "t" + i);
        ReportBuilder.Options o = new ReportBuilder.Options(3, 16, 200, false, 10, 1, "^\\[unused", 16, null, threshold, 100_000);
        ReportData.NearDuplicates got = new ReportBuilder(new VectorTileKernel(), 2, 16, ProgressListener.NONE, s -> {
        }).build(model(x, n, d, tok), o).nearDuplicates();

        BruteForce ref = new BruteForce(x, n, d);
        int[] parent = new int[n];
        java.util.Arrays.setAll(parent, i -> i);
        long pairs = 0;
        for (int a : ref.ids) {
            for (int b : ref.ids) {
                if (a < b) {
                    double c = ref.sim(a, b);
                    assertTrue(Math.abs(c - threshold) > 1e-5, "no pair so close to the threshold that float32 could flip it");
                    if (c >= threshold) {
                        pairs++;
                        parent[root(parent, a)] = root(parent, b);
                    }
                }
            }
        }
        java.util.Map<Integer, List<Integer>> byRoot = new java.util.TreeMap<>();
        for (int a : ref.ids) {
            byRoot.computeIfAbsent(root(parent, a), r -> new ArrayList<>()).add(a);
        }
        List<List<Integer>> want = byRoot.values().stream().filter(g -> g.size() > 1)
                .sorted(java.util.Comparator.<List<Integer>>comparingInt(List::size).reversed().thenComparingInt(List::getFirst)).toList();
        assertTrue(want.size() >= 3 && want.getFirst().size() >= 3, "the matrix should make several groups, one of 3+: " + want);
        assertEquals(pairs, got.pairs());
        assertEquals(want, got.groups().stream().map(g -> java.util.Arrays.stream(g).boxed().toList()).toList());

        ReportBuilder.Options few = new ReportBuilder.Options(3, 16, 200, false, 10, 1, "^\\[unused", 16, null, threshold, pairs - 1);
        ReportData.NearDuplicates over = new ReportBuilder(new VectorTileKernel(), 2, 16, ProgressListener.NONE, s -> {
        }).build(model(x, n, d, tok), few).nearDuplicates();
        assertEquals(pairs, over.pairs(), "past the limit the count stays exact");
        assertEquals(null, over.groups(), "but no groups from an incomplete set of pairs");
    }

    static int root(int[] parent, int x) {
        while (parent[x] != x) {
            x = parent[x];
        }
        return x;
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
