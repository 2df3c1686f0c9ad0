package dev.cossim.cli;

import dev.cossim.query.Corpus;
import dev.cossim.testing.TsvReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** embed --outputs / --layers / --list-outputs, norms over the tree, query --text --query-output: as a user runs them. */
class EmbedOutputsTest {
    static final List<String> TEXTS = List.of("my most gr", "is dreams,", "thy eternal summer shall not fade", "x", "my most st", "his dreams,");

    @TempDir
    static Path shared;
    static Path tree;

    @TempDir
    Path dir;

    @BeforeAll
    static void embed() throws Exception {
        Path in = shared.resolve("s.jsonl");
        Files.write(in, TEXTS.stream().map(t -> "\"" + t + "\"").toList());
        tree = shared.resolve("tree");
        CliRun r = CliRun.of("embed", in.toString(), "--tokens", "--outputs", "hidden,attention,ffn", "--layers", "0,5",
                "--token-slots", "9", "--rows-per-file", "4", "-o", tree.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote 6 rows x 6 outputs (layers 0,5 x hidden, attention, ffn) to " + tree + "/LAYER/OUTPUT: F32 [rows, 9, dim] (per-token, aligned at the end)"), r.out());
    }

    @Test
    void writesOneTreePerLayerAndOutput() throws Exception {
        try (var s = Files.list(tree)) {
            assertEquals(List.of("embed.json", "layer00", "layer05"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String l : List.of("layer00", "layer05")) {
            try (var s = Files.list(tree.resolve(l))) {
                assertEquals(List.of("attention", "ffn", "hidden"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            try (var s = Files.list(tree.resolve(l).resolve("ffn"))) {
                assertEquals(List.of("batch_00000.jsonl", "batch_00000.npy", "batch_00000.tokens", "batch_00001.jsonl", "batch_00001.npy",
                        "batch_00001.tokens", "embed.json"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
        // [CLS] thy eternal summer shall not fade [SEP]; [CLS] x [SEP]
        assertEquals(List.of("5", "5", "8", "3"), Files.readAllLines(tree.resolve("layer05/attention/batch_00000.tokens")));
    }

    @Test
    void listsTheModelsLayersAndOutputs() {
        CliRun r = CliRun.of("embed", "--list-outputs");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("layers: 6 (0-5; --layers all, or e.g. 0,5)"), r.out());
        assertTrue(r.out().contains("  attention  attention output projection (before the residual add)\n"
                + "             /encoder/layer.0/attention/output/dense/Add_output_0\n"), r.out());
        assertTrue(!r.out().contains("last_hidden_state\n   5"), r.out());
        CliRun v = CliRun.of("embed", "--list-outputs", "--verbose");
        assertEquals(0, v.code(), v.err());
        assertTrue(v.out().contains("   5 hidden     last_hidden_state\n"), v.out());
        assertTrue(v.out().contains("   3 ffn        /encoder/layer.3/output/dense/Add_output_0\n"), v.out());
        assertTrue(v.out().contains("  Erf: /encoder/layer.2/intermediate/intermediate_act_fn/Erf_output_0\n"), v.out());
    }

    /** The tree's table: per output and layer, at a position, the statistics of the real tokens' norms only. */
    @Test
    void normsOverTheTreeMatchABruteForceWithoutPadding() throws Exception {
        CliRun r = CliRun.of("norms", tree.toString(), "--position", "2", "--format", "tsv");
        assertEquals(0, r.code(), r.err());
        List<List<String>> rows = TsvReader.read(r.out());
        assertEquals(List.of("output", "layer", "position", "vectors", "mean", "std", "cv", "min", "max", "zero", "non_finite", "padding"), rows.getFirst());
        List<String> order = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            order.add(row.get(0) + row.get(1));
            Path sub = tree.resolve(String.format("layer%02d/%s", Integer.parseInt(row.get(1)), row.get(0)));
            List<Integer> counts = new ArrayList<>();
            for (String f : List.of("batch_00000.tokens", "batch_00001.tokens")) {
                Files.readAllLines(sub.resolve(f)).forEach(x -> counts.add(Integer.parseInt(x)));
            }
            List<Double> norms = new ArrayList<>();
            try (Corpus c = Corpus.open(List.of(sub), null, null)) {
                for (int i = 0; i < c.rows(); i++) {
                    if (2 >= 9 - counts.get(i)) { // aligned at the end: slot 2 of 9 holds a token when the text has 7 or more
                        double ss = 0;
                        for (double x : c.vector(i, 2)) {
                            ss += x * x;
                        }
                        norms.add(Math.sqrt(ss));
                    }
                }
            }
            // Only "thy eternal summer shall not fade" (8 tokens) reaches slot 2; its norm alone.
            assertEquals(1, norms.size());
            assertEquals(List.of("2/-7", "1"), row.subList(2, 4), row.toString());
            assertEquals(norms.getFirst(), Double.parseDouble(row.get(4)), 1e-5, row.toString());
            assertEquals(norms.getFirst(), Double.parseDouble(row.get(7)), 1e-5, row.toString());
            assertEquals(List.of("0", "0", "5"), row.subList(9, 12), row.toString());
        }
        assertEquals(List.of("hidden0", "hidden5", "attention0", "attention5", "ffn0", "ffn5"), order);
    }

    @Test
    void aQueryTextGoesThroughTheCorpussLayerAndOutputOrTheOneAskedFor() {
        CliRun same = CliRun.of("query", tree.resolve("layer00/attention").toString(), "--position", "-2", "--text", "my most gr", "-k", "1", "--format", "tsv");
        assertEquals(0, same.code(), same.err());
        List<String> hit = TsvReader.read(same.out()).get(1);
        assertEquals("my most gr", hit.get(6));
        assertEquals(1.0, Double.parseDouble(hit.get(5)), 1e-5);
        // Through attention, against stored feed-forward outputs: not the string itself at cosine 1 any more.
        CliRun other = CliRun.of("query", tree.resolve("layer00/ffn").toString(), "--position", "-2", "--text", "my most gr", "--query-output", "attention",
                "-k", "6", "--format", "tsv");
        assertEquals(0, other.code(), other.err());
        List<List<String>> hits = TsvReader.read(other.out());
        assertEquals(7, hits.size());
        for (List<String> h : hits.subList(1, hits.size())) {
            assertTrue(Double.parseDouble(h.get(5)) < 0.9, h.toString());
        }
    }

    @Test
    void badOutputsLayersAndCorporaAreOneLineErrors() throws Exception {
        Path in = dir.resolve("s.txt");
        Files.writeString(in, "a\n");
        assertOneLine(CliRun.of("embed", in.toString(), "--outputs", "hidden,ffnn", "-o", dir.resolve("a").toString()),
                "cossim: error: --outputs ffnn: neither a component (hidden, attention, ffn) nor a tensor of the graph (--list-outputs --verbose lists them)");
        assertOneLine(CliRun.of("embed", in.toString(), "--outputs", "hidden", "--layers", "0,6", "-o", dir.resolve("b").toString()),
                "cossim: error: --layers 0,6: the model has layers 0-5; layer 6 is out of range");
        assertOneLine(CliRun.of("embed", in.toString(), "--layers", "1", "-o", dir.resolve("c").toString()),
                "cossim: error: --layers 1: choose the outputs too, e.g. --outputs hidden,attention,ffn");
        assertOneLine(CliRun.of("embed", in.toString(), "--outputs", "/Mul_output_0", "-o", dir.resolve("d").toString()),
                "cossim: error: all-MiniLM-L6-v2 (embedded): tensor '/Mul_output_0' is FLOAT [1, 1, 1, 3], not float [batch 1, tokens 3, dim]: only per-token states can be captured");
        assertOneLine(CliRun.of("query", tree.toString(), "--text", "x"),
                "cossim: error: " + tree + ": holds one batch tree per layer and output (" + tree.resolve("layer00/hidden") + ", ...): name one of them ('cossim norms' reads the whole tree)");
        assertOneLine(CliRun.of("query", tree.resolve("layer05/ffn").toString(), "--position", "-2", "--text", "x", "--query-output", "mlp"),
                "cossim: error: --query-output mlp: neither an output (hidden, attention, ffn) nor a tensor of all-MiniLM-L6-v2 (embedded) ('embed --list-outputs --verbose' lists them)");
        for (String d : List.of("a", "b", "c", "d")) {
            assertTrue(!Files.exists(dir.resolve(d)), d);
        }
    }

    private static void assertOneLine(CliRun r, String err) {
        assertEquals(2, r.code(), r.err());
        assertEquals(err + "\n", r.err().lines().filter(l -> !l.startsWith("embedding ") && !l.startsWith("corpus: ")).map(l -> l + "\n").reduce("", String::concat));
    }
}
