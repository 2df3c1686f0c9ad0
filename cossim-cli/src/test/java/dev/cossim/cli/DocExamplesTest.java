package dev.cossim.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the examples of README.md and docs/*.md as a reader would paste them into bash.
 *
 * <p>An example is a line starting with {@code $ } inside a fenced code block (a trailing {@code \} joins the next
 * line). The examples of one file run in order, each with {@code bash -c}, in one fresh directory per file that holds
 * a generated {@code ./cossim} (this JVM's {@code java} and class path, the launcher's JVM flags) and a symlink to
 * every top-level directory of the repository, so that repository paths such as {@code cossim-text/...} resolve.
 * Every example must exit with 0, or with the code its line documents as a trailing {@code # exit N}. For the
 * {@code $ ./cossim} examples, every "stable" output line the doc shows below the command (up to the next {@code $ }
 * line or the end of the block) must appear in the actual stdout + stderr, compared after trimming trailing
 * whitespace; lines with timings, rates, kernel choice, progress or temporary paths, blank lines and {@code ...}
 * elisions are not compared. Other {@code $ } lines (head, ls, cp, ...) prepare files or look at them: only their
 * exit code is checked. Numbers may differ by a few units in their last printed digit (or by one part in a
 * million): float32 sums round differently with the BLAS kernel a CPU gets. {@code -DdocExamples.only=NAME} runs only
 * the files whose path contains NAME.
 */
class DocExamplesTest {
    private static final Pattern UNSTABLE = Pattern.compile(
            "(?i)(time|GFLOP|pairs/s|kernel|warm|elapsed|\\d+(\\.\\d+)? ?(ms|s)\\b|/tmp/)");
    /**
     * Follows a figure that depends on the BLAS kernel's rounding (how many float32 values of a submatrix are distinct
     * differs by a few hundred between OpenBLAS's kernels for one CPU and another, sgemm and ssyrk): that figure is
     * compared to within one percent; every other number as {@link #closeNumbers} says.
     */
    private static final String KERNEL_ROUNDING = " at float32)";
    private static final Pattern EXIT = Pattern.compile("#\\s*exit\\s+(\\d+)\\s*$");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*(?:[eE][-+]?\\d+)?");
    private static final long TIMEOUT_S = 600;

    private static Path work;

    /** One {@code $ } example: where it is, the command, and the output lines the doc shows. */
    record Example(String file, int line, String command, List<String> shown) {
        boolean isCossim() {
            return command.startsWith("./cossim ") || command.equals("./cossim");
        }

        int expectedExit() {
            Matcher m = EXIT.matcher(command);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }

        String name() {
            String c = command.replace('\n', ' ');
            return file + ":" + line + " $ " + (c.length() > 90 ? c.substring(0, 90) + "..." : c);
        }
    }

    @TestFactory
    Stream<DynamicNode> docExamples() throws IOException {
        Path root = repoRoot();
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve("docs"), "*.md")) {
            ds.forEach(docs::add);
        }
        docs.subList(1, docs.size()).sort(null);
        String only = System.getProperty("docExamples.only", ""); // e.g. -DdocExamples.only=README.md
        docs.removeIf(d -> !root.relativize(d).toString().contains(only));
        work = Files.createTempDirectory("cossim-doc-examples");
        Path script = writeLauncher(work.resolve("launcher"), root);
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path doc : docs) {
            String name = root.relativize(doc).toString();
            List<Example> examples = parse(name, Files.readAllLines(doc, StandardCharsets.UTF_8));
            if (examples.isEmpty()) {
                continue;
            }
            Path dir = work.resolve(name.replace('/', '_').replace(".md", ""));
            List<DynamicTest> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest(name + ": set up " + dir, () -> setUp(root, dir, script)));
            for (Example e : examples) {
                tests.add(DynamicTest.dynamicTest(e.name(), () -> run(e, dir)));
            }
            nodes.add(DynamicContainer.dynamicContainer(name, tests.stream()));
        }
        assertTrue(!nodes.isEmpty(), "found examples in README.md and docs/*.md under " + root);
        return nodes.stream();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work == null) {
            return;
        }
        Files.walkFileTree(work, new SimpleFileVisitor<>() { // does not follow the symlinks into the repository
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The directory above user.dir (or user.dir itself) that holds README.md and cossim-cli. */
    static Path repoRoot() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("cossim-cli"))) {
                return p;
            }
        }
        throw new IllegalStateException("no README.md + cossim-cli above " + System.getProperty("user.dir"));
    }

    /** The {@code $ } lines of fenced blocks, with the output lines shown below each. */
    static List<Example> parse(String file, List<String> lines) {
        List<Example> out = new ArrayList<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); ) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                fenced = !fenced;
                i++;
                continue;
            }
            if (!fenced || !l.startsWith("$ ")) {
                i++;
                continue;
            }
            int start = i;
            StringBuilder cmd = new StringBuilder(l.substring(2));
            while (lines.get(i).endsWith("\\") && i + 1 < lines.size()) {
                i++;
                cmd.append('\n').append(lines.get(i));
            }
            i++;
            List<String> shown = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).startsWith("$ ") && !lines.get(i).startsWith("```")) {
                shown.add(lines.get(i));
                i++;
            }
            out.add(new Example(file, start + 1, cmd.toString(), shown));
        }
        return out;
    }

    /**
     * The repository's own ./cossim launcher (its JVM flags, its stderr filter), run on this JVM's class path instead
     * of a build, so that every example shows what a user who pastes it sees.
     */
    private static Path writeLauncher(Path script, Path root) throws IOException {
        String text = "#!/usr/bin/env bash\nexport COSSIM_CLASSPATH=" + quote(System.getProperty("java.class.path"))
                + " JAVA_HOME=" + quote(System.getProperty("java.home"))
                + "\nexec bash " + quote(root.resolve("cossim").toString()) + " \"$@\"\n";
        Files.writeString(script, text);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void setUp(Path root, Path dir, Path launcher) throws IOException {
        Files.createDirectories(dir);
        Files.copy(launcher, dir.resolve("cossim"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (Files.isDirectory(p) && !n.startsWith(".")) {
                    Files.createSymbolicLink(dir.resolve(n), p);
                }
            }
        }
    }

    private static void run(Example e, Path dir) throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "out", ".txt"); // outside dir, so that `ls` there shows only the example's
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", e.command()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(e.name() + ": still running after " + TIMEOUT_S + " s");
        }
        String actual = Files.readString(log, StandardCharsets.UTF_8);
        String context = e.name() + "\n--- actual output ---\n" + tail(actual);
        assertEquals(e.expectedExit(), p.exitValue(), "exit code of " + context);
        if (!e.isCossim()) {
            return;
        }
        List<String> actualLines = actual.lines().map(DocExamplesTest::stripTrailing).toList();
        List<String> missing = new ArrayList<>();
        for (String s : e.shown()) {
            String want = stripTrailing(s);
            if (want.isBlank() || want.trim().equals("...") || UNSTABLE.matcher(want).find()) {
                continue;
            }
            if (actualLines.stream().noneMatch(a -> sameLine(want, a))) {
                missing.add(want);
            }
        }
        if (!missing.isEmpty()) {
            fail("lines shown in the doc but not printed: " + String.join("\n", missing) + "\n" + context);
        }
    }

    private static String stripTrailing(String s) {
        return s.stripTrailing();
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
    }

    /** Equal, but numbers may differ by a few units in their last printed digit (or one part in a million). */
    static boolean sameLine(String want, String got) {
        if (want.equals(got)) {
            return true;
        }
        Matcher a = NUMBER.matcher(want), b = NUMBER.matcher(got);
        int ia = 0, ib = 0;
        while (true) {
            boolean fa = a.find(), fb = b.find();
            if (fa != fb) {
                return false;
            }
            if (!fa) {
                return want.substring(ia).equals(got.substring(ib));
            }
            if (!want.substring(ia, a.start()).equals(got.substring(ib, b.start()))
                    || !closeNumbers(a.group(), b.group(), want.startsWith(KERNEL_ROUNDING, a.end()) ? 1e-2 : 1e-6)) {
                return false;
            }
            ia = a.end();
            ib = b.end();
        }
    }

    private static boolean closeNumbers(String x, String y, double relative) {
        if (x.equals(y)) {
            return true;
        }
        String mx = x.split("[eE]")[0], my = y.split("[eE]")[0];
        int dot = mx.lastIndexOf('.');
        int decimals = dot < 0 ? 0 : mx.length() - dot - 1;
        int dotY = my.lastIndexOf('.');
        if (decimals != (dotY < 0 ? 0 : my.length() - dotY - 1) || mx.contains(".") != my.contains(".")) {
            return false;
        }
        try {
            double u = Double.parseDouble(x.replace(",", "")), v = Double.parseDouble(y.replace(",", ""));
            if (Math.abs(u) < 1e-6 && Math.abs(v) < 1e-6) {
                return true;
            }
            double unit = x.contains("e") || x.contains("E") ? Math.abs(u) * 1e-1 : Math.pow(10, -decimals);
            return Math.abs(u - v) <= 3 * unit || Math.abs(u - v) <= relative * Math.max(Math.abs(u), Math.abs(v));
        } catch (NumberFormatException ex) {
            return false;
        }
    }

}
