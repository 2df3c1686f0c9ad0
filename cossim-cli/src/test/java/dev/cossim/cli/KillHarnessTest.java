package dev.cossim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.output.AtomicFile;
import dev.cossim.testing.TestFiles;
import dev.cossim.testing.TsvReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety as a user meets it: each writing command runs through the ./cossim launcher as a child JVM and is
 * killed with SIGKILL or SIGINT at seeded random moments within its run (at least 21 kills over 7 commands). After
 * every kill each final path is absent or complete and valid (JSON parses and adds up, TSV row counts, .npy header and
 * size, the HTML page whole); a SIGINT prints no exception; the temporary files a SIGKILL leaves are hidden
 * {@code .partial-} names that the next run of the command removes. A killed checkpointed run (all-pairs, query,
 * compare), resumed, writes the same bytes as an uninterrupted one (compare's summary.json but its time).
 */
class KillHarnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    record Run(int code, String out, String err, double seconds, boolean signalled) {
    }

    /** Starts the launcher in {@link #work}; with {@code signal} ("KILL" or "INT"), sends it after {@code afterSeconds}. */
    Run launch(String signal, double afterSeconds, List<String> args) throws IOException, InterruptedException {
        Path root = ReadmeSnippetTest.repoRoot();
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("cossim").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        pb.environment().put("COSSIM_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        Path out = Files.createTempFile("kill-out", ".txt"), err = Files.createTempFile("kill-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long t0 = System.nanoTime();
        Process p = pb.start();
        boolean signalled = false;
        if (signal != null && !p.waitFor((long) (afterSeconds * 1000), TimeUnit.MILLISECONDS)) {
            // The launcher execs the JVM, so the child's pid is the JVM's once it runs.
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
            signalled = true;
        }
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the command ended");
        double seconds = (System.nanoTime() - t0) / 1e9;
        // The stderr filter of the launcher may still be draining: wait for the children of the process too.
        p.descendants().forEach(h -> h.onExit().join());
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err), seconds, signalled);
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** A writing command: its arguments, its final paths, and the check that a present output is whole. */
    record Writer(String name, List<String> args, List<String> outputs, Check check) {
    }

    interface Check {
        void whole(Path work) throws IOException;
    }

    static JsonNode json(Path f) throws IOException {
        return JSON.readTree(f.toFile());
    }

    static List<List<String>> tsv(Path f) throws IOException {
        String text = Files.readString(f);
        assertTrue(text.endsWith("\n"), f + " ends with a whole line");
        return TsvReader.read(text);
    }

    /** An .npy file whose size is its header's plus its shape's values; returns the shape. */
    static long[] npy(Path f) throws IOException {
        byte[] head = new byte[12];
        try (var in = Files.newInputStream(f)) {
            assertEquals(12, in.readNBytes(head, 0, 12), f + " has a header");
        }
        assertEquals((byte) 0x93, head[0], f.toString());
        assertEquals("NUMPY", new String(head, 1, 5, StandardCharsets.ISO_8859_1), f.toString());
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = head[6] == 1 ? 10 + (b.getShort(8) & 0xffff) : 12 + (b.getInt(8) & 0xffffffffL);
        String dict;
        try (var in = Files.newInputStream(f)) {
            dict = new String(in.readNBytes((int) headerLen), StandardCharsets.ISO_8859_1);
        }
        Matcher shape = Pattern.compile("'shape': \\(([0-9, ]*)\\)").matcher(dict);
        assertTrue(shape.find(), dict);
        Matcher descr = Pattern.compile("'descr': '[<>|]?[fi](\\d)'").matcher(dict);
        assertTrue(descr.find(), dict);
        long values = 1;
        List<Long> dims = new ArrayList<>();
        for (String s : shape.group(1).split(",")) {
            if (!s.isBlank()) {
                dims.add(Long.parseLong(s.trim()));
                values *= dims.getLast();
            }
        }
        assertEquals(headerLen + values * Integer.parseInt(descr.group(1)), Files.size(f), f + ": header plus every value");
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    static void matrix(Path work, String stem, int n) throws IOException {
        Path m = work.resolve(stem + ".npy"), rows = work.resolve(stem + ".rows.tsv");
        if (Files.exists(m)) {
            assertEquals(List.of((long) n, (long) n), List.of(npy(m)[0], npy(m)[1]));
            // The matrix is renamed into place after its row ids: a whole matrix has them beside it.
            assertTrue(Files.exists(rows), "the row ids come before the matrix");
        }
        if (Files.exists(rows)) {
            assertEquals(n + 1, tsv(rows).size(), rows.toString());
        }
    }

    static final int AP_ROWS = 4000, K = 3, SUB_ROWS = 1500;

    List<Writer> writers() {
        return List.of(
                new Writer("all-pairs --out", List.of("all-pairs", "--rows", "0-" + (AP_ROWS - 1), "-k", "" + K, "--bins", "50", "-o", "ap"),
                        List.of("ap"), w -> {
                    Path d = w.resolve("ap");
                    if (Files.exists(d)) {
                        JsonNode s = json(d.resolve("summary.json"));
                        long pairs = s.get("pairs").asLong(), sum = 0;
                        for (JsonNode c : s.get("histogram").get("counts")) {
                            sum += c.asLong();
                        }
                        assertEquals((long) AP_ROWS * (AP_ROWS - 1) / 2, pairs);
                        assertEquals(pairs, sum, "the histogram holds every pair");
                        assertEquals(AP_ROWS * K + 1, tsv(d.resolve("neighbors.tsv")).size());
                    }
                }),
                new Writer("near-duplicates -o", List.of("near-duplicates", "-t", "0.8", "--rows", "0-" + (AP_ROWS - 1), "-o", "nd"),
                        List.of("nd"), w -> {
                    Path d = w.resolve("nd");
                    if (Files.exists(d)) {
                        JsonNode s = json(d.resolve("summary.json"));
                        assertEquals(s.get("pairs_found").asLong() + 1, tsv(d.resolve("pairs.tsv")).size());
                        assertTrue(tsv(d.resolve("groups.tsv")).size() > s.get("groups").asLong());
                    }
                }),
                new Writer("submatrix --save-matrix", List.of("submatrix", "--rows", "0-" + (SUB_ROWS - 1), "--save-matrix", "sub.npy"),
                        List.of("sub.npy", "sub.rows.tsv"), w -> matrix(w, "sub", SUB_ROWS)),
                new Writer("all-pairs --save-matrix", List.of("all-pairs", "--rows", "0-" + (SUB_ROWS - 1), "-k", "0", "--bins", "10", "--save-matrix", "full.npy"),
                        List.of("full.npy", "full.rows.tsv"), w -> matrix(w, "full", SUB_ROWS)),
                new Writer("embed -o", List.of("embed", "lines.txt", "-o", "emb"), List.of("emb"), w -> {
                    Path d = w.resolve("emb");
                    if (Files.exists(d)) {
                        long[] shape = npy(d.resolve("batch_00000.npy"));
                        assertEquals(LINES, shape[0]);
                        assertEquals(LINES, Files.readAllLines(d.resolve("batch_00000.jsonl")).size());
                        json(d.resolve("embed.json"));
                    }
                }),
                new Writer("report -o", List.of("report", "small.npy", "--size", "32", "--sample-pairs", "500", "-o", "r.html"), List.of("r.html"), w -> {
                    Path f = w.resolve("r.html");
                    if (Files.exists(f)) {
                        assertTrue(Files.readString(f).endsWith("</html>\n"), "the page is whole");
                    }
                }),
                new Writer("query -o", List.of("query", "gb", "--label", "row 1", "--label", "row 2", "-k", "5", "--format", "tsv", "-o", "q.tsv"), List.of("q.tsv"), w -> {
                    Path f = w.resolve("q.tsv");
                    if (Files.exists(f)) {
                        assertEquals(2 * 5 + 1, tsv(f).size());
                    }
                }));
    }

    static final int LINES = 12;

    /** Hidden temporary names anywhere under the work directory. */
    List<Path> temporaries() throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            return s.filter(p -> AtomicFile.isTempName(p.getFileName().toString())).toList();
        }
    }

    static void delete(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        } else {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void killsAtRandomMomentsLeaveNoPartialOutputAndTheNextRunCleansUp() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            text.append("line ").append(i).append(": from fairest creatures we desire increase, number ").append(i * 7).append('\n');
        }
        Files.writeString(work.resolve("lines.txt"), text);
        int n = 600, d = 32;
        float[] m = dev.cossim.testing.Synthetic.gaussian(n, d, 3);
        TestFiles.npy(work.resolve("small.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }", TestFiles.f32(m));
        assertEquals(0, launch(null, 0, List.of("generate-batches", "-o", "gb", "--rows", "20000", "--dim", "128", "--files", "2")).code());

        Random random = new Random(16);
        int kills = 0, ints = 0;
        List<String> log = new ArrayList<>();
        for (Writer w : writers()) {
            Run whole = launch(null, 0, w.args());
            assertEquals(0, whole.code(), w.name() + ": " + whole.err());
            w.check().whole(work);
            for (int attempt = 0, killed = 0; killed < 3 && attempt < 8; attempt++) {
                for (String o : w.outputs()) {
                    delete(work.resolve(o));
                }
                String signal = kills % 2 == 0 ? "KILL" : "INT";
                double at = whole.seconds() * (0.1 + 0.85 * random.nextDouble());
                Run r = launch(signal, at, w.args());
                log.add(String.format(java.util.Locale.ROOT, "%s: SIG%s at %.2f s of %.2f: exit %d%s", w.name(), signal, at, whole.seconds(),
                        r.code(), r.signalled() ? "" : " (finished first)"));
                w.check().whole(work);
                if (!r.signalled()) {
                    continue;
                }
                killed++;
                kills++;
                if (signal.equals("INT")) {
                    ints++;
                    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), w.name() + " on SIGINT: " + r.err());
                    assertTrue(r.code() == 130 || r.code() == 0, w.name() + " on SIGINT: exit " + r.code() + " " + r.err());
                }
            }
            Run again = launch(null, 0, w.args());
            assertEquals(0, again.code(), w.name() + ": " + again.err());
            w.check().whole(work);
            for (String o : w.outputs()) {
                assertTrue(Files.exists(work.resolve(o)), w.name() + " wrote " + o);
            }
            assertEquals(List.of(), temporaries(), w.name() + ": the next run removes what killed runs left\n" + String.join("\n", log));
        }
        System.out.println(String.join("\n", log));
        assertTrue(kills >= 20 && ints >= 7, kills + " kills, " + ints + " of them SIGINT:\n" + String.join("\n", log));
    }

    @Test
    void aKilledCheckpointedRunResumesToTheSameBytes() throws Exception {
        List<String> common = List.of("--rows", "0-11999", "-k", "5", "--bins", "400");
        List<String> whole = new ArrayList<>(List.of("all-pairs"));
        whole.addAll(common);
        whole.addAll(List.of("--checkpoint", "ck-whole", "-o", "whole"));
        assertEquals(0, launch(null, 0, whole).code());

        // Killed as soon as its first checkpoint is on disk (checkpoints every 0.2 s), then resumed.
        List<String> part = new ArrayList<>(List.of("all-pairs"));
        part.addAll(common);
        part.addAll(List.of("--checkpoint", "ck", "--checkpoint-every", "0.2", "-o", "resumed"));
        killAfterFirstSave(part, work.resolve("ck").resolve("checkpoint.bin"));
        assertFalse(Files.exists(work.resolve("resumed")));

        List<String> resume = new ArrayList<>(part);
        resume.add("--resume");
        Run r = launch(null, 0, resume);
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("summary.json", "neighbors.tsv")) {
            assertEquals(-1, Files.mismatch(work.resolve("whole").resolve(f), work.resolve("resumed").resolve(f)), f + " byte for byte");
        }
        // Without --resume, the checkpoint is not overwritten by mistake.
        Run again = launch(null, 0, part);
        assertEquals(2, again.code());
        assertTrue(again.err().startsWith("cossim: error: ") && again.err().contains("holds a checkpoint already"), again.err());
        assertEquals(1, again.err().lines().count(), again.err());
    }

    /** Starts {@code args} through the launcher and kills it (SIGKILL) as soon as {@code checkpoint} is on disk. */
    void killAfterFirstSave(List<String> args, Path checkpoint) throws Exception {
        Path root = ReadmeSnippetTest.repoRoot();
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("cossim").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("COSSIM_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        while (p.isAlive() && !Files.exists(checkpoint)) {
            Thread.sleep(20);
        }
        boolean killedMidway = p.isAlive();
        p.destroyForcibly().waitFor();
        assertTrue(killedMidway, String.join(" ", args) + ": killed after its first checkpoint, before its end");
    }

    static List<String> with(List<String> args, String... more) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of(more));
        return out;
    }

    @Test
    void aKilledCheckpointedQueryResumesToTheSameBytes() throws Exception {
        assertEquals(0, launch(null, 0, List.of("generate-batches", "-o", "corpus", "--rows", "100000", "--dim", "256", "--files", "4")).code());
        // 60 corpus rows as queries, one thread and the scalar kernel: a scan of about 1.5 s here, long enough to be killed in.
        List<String> query = new ArrayList<>(List.of("query", "corpus", "--format", "tsv", "--threads", "1", "--kernel", "scalar"));
        for (int i = 0; i < 60; i++) {
            query.addAll(List.of("--label", "row " + (i * 1637)));
        }
        query.add("-k");
        Run whole = launch(null, 0, with(query, "5", "-o", "whole.tsv"));
        assertEquals(0, whole.code(), whole.err());
        assertEquals(60 * 5 + 1, tsv(work.resolve("whole.tsv")).size());

        List<String> part = with(query, "5", "--checkpoint", "ck", "--checkpoint-every", "0.2", "-o", "resumed.tsv");
        killAfterFirstSave(part, work.resolve("ck").resolve("checkpoint.bin"));
        assertFalse(Files.exists(work.resolve("resumed.tsv")));
        Run r = launch(null, 0, with(part, "--resume"));
        assertEquals(0, r.code(), r.err());
        assertEquals(-1, Files.mismatch(work.resolve("whole.tsv"), work.resolve("resumed.tsv")), "the hits of an uninterrupted query, byte for byte");
    }

    @Test
    void aKilledCheckpointedComparisonResumesToTheSameFiles() throws Exception {
        int n = 4000, d = 48;
        float[] a = dev.cossim.testing.Synthetic.gaussian(n, d, 8);
        float[] b = dev.cossim.testing.Synthetic.gaussian(n, d, 9);
        for (int i = 0; i < b.length; i++) {
            b[i] = 0.6f * b[i] + a[i];
        }
        for (String[] f : new String[][]{{"a.npy", "a"}, {"b.npy", "b"}}) {
            TestFiles.npy(work.resolve(f[0]), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }",
                    TestFiles.f32(f[1].equals("a") ? a : b));
        }
        // One thread and the scalar kernel: top-k passes of about 1 s each here.
        List<String> compare = List.of("compare", "a.npy", "b.npy", "-k", "5,10", "--sample-pairs", "2000", "--threads", "1", "--kernel", "scalar");
        // Checkpointed too: the mean cosine of a plain run's top-k pass may differ in its last digits (threads' sums).
        Run whole = launch(null, 0, with(compare, "--checkpoint", "ck-whole", "-o", "whole"));
        assertEquals(0, whole.code(), whole.err());

        List<String> part = with(compare, "--checkpoint", "ck", "--checkpoint-every", "0.2", "-o", "resumed");
        killAfterFirstSave(part, work.resolve("ck").resolve("a").resolve("checkpoint.bin"));
        assertFalse(Files.exists(work.resolve("resumed")));
        Run r = launch(null, 0, with(part, "--resume"));
        assertEquals(0, r.code(), r.err());
        var wholeSummary = (com.fasterxml.jackson.databind.node.ObjectNode) json(work.resolve("whole").resolve("summary.json"));
        var resumedSummary = (com.fasterxml.jackson.databind.node.ObjectNode) json(work.resolve("resumed").resolve("summary.json"));
        assertTrue(wholeSummary.remove("seconds") != null && resumedSummary.remove("seconds") != null);
        assertEquals(wholeSummary, resumedSummary, "summary.json but its time");
        assertEquals(-1, Files.mismatch(work.resolve("whole").resolve("rows.tsv"), work.resolve("resumed").resolve("rows.tsv")), "rows.tsv byte for byte");
        assertEquals(n + 1, tsv(work.resolve("resumed").resolve("rows.tsv")).size());
    }
}
