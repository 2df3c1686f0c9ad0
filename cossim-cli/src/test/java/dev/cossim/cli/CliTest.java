package dev.cossim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.Synthetic;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI as a user runs it: exit codes, printed results, written files, and one-line errors. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** A 40 x 9 matrix with a vocab.txt beside it; row 7 is zero, so 39 rows take part. */
    private Path smallModel() {
        int n = 40, d = 9;
        float[] m = Synthetic.gaussian(n, d, 77);
        Synthetic.zeroRow(m, d, 7);
        Path p = TestFiles.npy(dir.resolve("model/emb.npy"), 1,
                "{'descr': '<f4', 'fortran_order': False, 'shape': (40, 9), }", TestFiles.f32(m));
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < n; i++) {
            vocab.append("tok").append(i).append('\n');
        }
        TestFiles.write(dir.resolve("model/vocab.txt"), vocab.toString());
        return p;
    }

    @Test
    void allPairsWritesSummaryAndNeighboursThatMatchBruteForce() throws IOException {
        Path model = smallModel();
        Path out = dir.resolve("result");
        Run r = run("all-pairs", model.toString(), "--bins", "50", "-k", "3", "--out", out.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 excluded (1 zero, 0 non-finite)"), r.out());

        float[] m = Synthetic.gaussian(40, 9, 77);
        Synthetic.zeroRow(m, 9, 7);
        BruteForce ref = new BruteForce(m, 40, 9);
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        for (String key : List.of("n", "dim", "pairs", "mean", "std", "min", "max", "excluded_rows", "histogram")) {
            assertTrue(s.has(key), "summary.json has " + key);
        }
        assertEquals(39, s.get("n").asInt());
        assertEquals(9, s.get("dim").asInt());
        assertEquals(ref.pairs(), s.get("pairs").asLong());
        assertEquals(ref.mean(), s.get("mean").asDouble(), 1e-6);
        assertEquals(ref.std(), s.get("std").asDouble(), 1e-6);
        int[] mx = ref.extreme(true);
        assertEquals(mx[0], s.get("max").get("i").asInt());
        assertEquals(mx[1], s.get("max").get("j").asInt());
        assertEquals("tok" + mx[0], s.get("max").get("token_i").asText());
        assertEquals(ref.sim(mx[0], mx[1]), s.get("max").get("similarity").asDouble(), 1e-6);
        assertEquals(7, s.get("excluded_rows").get("zero").get(0).asInt());
        assertEquals(-1.0, s.get("histogram").get("lo").asDouble());
        assertEquals(1.0, s.get("histogram").get("hi").asDouble());
        assertEquals(50, s.get("histogram").get("bins").asInt());
        long[] counts = new long[50];
        for (int i = 0; i < 50; i++) {
            counts[i] = s.get("histogram").get("counts").get(i).asLong();
        }
        assertArrayEquals(ref.histogram(-1, 1, 50), counts);

        List<String> tsv = Files.readAllLines(out.resolve("neighbors.tsv"));
        assertEquals("id\ttoken\trank\tneighbor_id\tneighbor_token\tsimilarity", tsv.getFirst());
        assertEquals(1 + 39 * 3, tsv.size());
        String[] first = tsv.get(1).split("\t");
        assertEquals("0", first[0]);
        assertEquals("tok0", first[1]);
        assertEquals("1", first[2]);
        int[] top = ref.topK(0, 3);
        assertEquals(top[0], Integer.parseInt(first[3]));
        assertEquals("tok" + top[0], first[4]);
        assertEquals(ref.sim(0, top[0]), Double.parseDouble(first[5]), 1e-6);
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().contains("partial")), "no temporary files left");
        }
    }

    @Test
    void badInputGivesOneLineExitTwoAndNoOutputDirectory() {
        Path model = smallModel();
        Path out = dir.resolve("never");
        String[][] cases = {
                {"all-pairs", dir.resolve("missing.npy").toString(), "--out", out.toString()},
                {"all-pairs", model.toString(), "-k", "39", "--out", out.toString()},
                {"all-pairs", model.toString(), "--bins", "0", "--out", out.toString()},
                {"neighbors", model.toString(), "nosuchword"},
                {"pair", model.toString(), "tok1", "999"},
                {"info", TestFiles.write(dir.resolve("junk.safetensors"), new byte[]{9, 9, 9, 9, 9, 9, 9, 9, 9}).toString()},
                {"all-pairs", "--no-such-option"},
        };
        for (String[] c : cases) {
            Run r = run(c);
            assertEquals(2, r.code(), String.join(" ", c) + " -> " + r.err());
            assertTrue(r.err().startsWith("cossim: error: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
            assertFalse(Files.exists(out), "no output directory after: " + String.join(" ", c));
        }
        Run k = run("all-pairs", model.toString(), "-k", "39");
        assertTrue(k.err().contains("--top-k 39: must be less than the number of usable rows (39)"), k.err());
        assertTrue(run("neighbors", model.toString(), "nosuchword").err().contains("'nosuchword': not a token of the vocabulary"));
        assertTrue(run("pair", model.toString(), "tok1", "999").err().contains("B 999: id out of range, the matrix has 40 rows"));
    }

    @Test
    void everyCommandHasHelp() {
        for (String name : Main.commandLine(null).getSubcommands().keySet()) {
            Run r = run(name, "--help");
            assertEquals(0, r.code(), name + " --help: " + r.err());
            assertTrue(r.out().contains("Usage: cossim "), name + ": " + r.out());
        }
    }

    /** The name table that builds one command's command line names every command (and alias) by its annotation. */
    @Test
    void theCommandTableMatchesTheCommands() {
        java.util.Map<String, String> fromAnnotations = new java.util.HashMap<>();
        for (Class<?> c : Main.All.COMMANDS) {
            if (c == picocli.CommandLine.HelpCommand.class) {
                continue;
            }
            picocli.CommandLine.Command a = c.getAnnotation(picocli.CommandLine.Command.class);
            fromAnnotations.put(a.name(), c.getName());
            for (String alias : a.aliases()) {
                fromAnnotations.put(alias, c.getName());
            }
        }
        assertEquals(fromAnnotations, Main.COMMAND_CLASSES);
        // One command's command line has that command only, under its name and aliases, and runs it as the whole would.
        assertEquals(java.util.Set.of("neighbors", "neighbours"), Main.commandLine("neighbours").getSubcommands().keySet());
        assertEquals((long) Main.All.COMMANDS.size(), Main.commandLine("help").getSubcommands().values().stream().distinct().count());
    }

    @Test
    void debugPrintsTheStackTrace() {
        Run r = run("info", dir.resolve("missing.npy").toString(), "--debug");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("CossimException"), r.err());
    }

    private static double value(String out, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s*(-?[0-9.]+)").matcher(out);
        assertTrue(m.find(), label + " in " + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void pairOnTheDefaultModelPrintsTwoEqualValues() {
        Run r = run("pair", "sunshine", "pineapple");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("A: \"sunshine\" (id 9609)"), r.out());
        assertTrue(r.out().contains("pine (7222) + ##apple (23804)"), r.out());
        double engine = value(r.out(), "float32):");
        double plain = value(r.out(), "plain double loop):");
        assertEquals(plain, engine, 1e-6);
    }

    @Test
    void neighborsOnTheDefaultModelArePlausible() {
        Run r = run("neighbors", "sunshine", "-k", "5");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().filter(l -> l.matches("\\s+\\d+\\s+\\d+\\s+[0-9.]+\\s+.*")).toList();
        assertEquals(5, rows.size(), r.out());
        // Its nearest neighbours in all-MiniLM-L6-v2 share its meaning: sun, sunny, sunlight...
        assertTrue(rows.stream().filter(l -> l.contains("sun")).count() >= 3, r.out());
        assertFalse(r.out().contains(" 9609  "), "the word itself is not its own neighbour");
    }

    @Test
    void infoOnTheDefaultModel() {
        Run r = run("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("embeddings.word_embeddings.weight F32 [30522, 384]"), r.out());
        assertTrue(r.out().contains("30522 tokens, 994 of them [unused...]"), r.out());
        assertTrue(r.out().contains("zero rows:    0"), r.out());
    }

    /** A vocabulary of 36 tokens (padded rows) or 45 (tokens past the rows) for the 40 rows: a warning, not an error. */
    @Test
    void aVocabularyOfAnotherSizeThanTheRowsIsOneWarning() throws IOException {
        Path p = smallModel();
        Path vocab = dir.resolve("model/vocab.txt");
        List<String> tokens = Files.readAllLines(vocab);
        Files.write(vocab, tokens.subList(0, 36));
        String padded = vocab.toAbsolutePath() + ": 36 tokens for the 40 rows of tensor 'emb': rows 36 to 39 have no token and are shown"
                + " as <id N> (models often pad their embedding rows)";

        Run info = run("info", p.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("vocabulary:   36 tokens (matrix has 40 rows)\nwarning:      " + padded + "\n"), info.out());
        assertEquals("", info.err(), "info shows it in its printout, once");

        Run ap = run("all-pairs", p.toString(), "-k", "2");
        assertEquals(0, ap.code(), ap.err());
        assertEquals(List.of("cossim: warning: " + padded), ap.err().lines().filter(l -> l.contains("warning")).toList());
        assertTrue(ap.out().contains("rows:      39 used of 40 selected"), ap.out());
        Run nb = run("neighbors", p.toString(), "38", "-k", "30");
        assertEquals(0, nb.code(), nb.err());
        assertTrue(nb.out().contains("nearest neighbours of \"<id 38>\" (id 38)") && nb.out().contains("<id 39>"), nb.out());
        assertTrue(nb.err().contains("cossim: warning: " + padded), nb.err());

        List<String> more = new ArrayList<>(tokens);
        for (int i = 40; i < 45; i++) {
            more.add("tok" + i);
        }
        Files.write(vocab, more);
        Run larger = run("all-pairs", p.toString(), "-k", "2");
        assertEquals(0, larger.code(), larger.err());
        assertTrue(larger.err().contains("cossim: warning: " + vocab.toAbsolutePath() + ": 45 tokens for the 40 rows of tensor 'emb': ids 40 to 44 have no vector\n"),
                larger.err());
        Run same = run("all-pairs", p.toString(), "-k", "2", "--vocab", vocab.toString());
        assertTrue(same.err().contains("cossim: warning: " + vocab + ": 45 tokens"), same.err());
    }
}
