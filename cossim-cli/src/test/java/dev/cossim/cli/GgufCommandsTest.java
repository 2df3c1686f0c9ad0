package dev.cossim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.testing.BruteForce;
import dev.cossim.testing.GgufBytes;
import dev.cossim.testing.GgufQuants;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** info, neighbors, pair and all-pairs on a GGUF file written from the specification, and its bad-input errors. */
class GgufCommandsTest {
    @TempDir
    Path dir;

    static final int ROWS = 40, DIM = 64;
    /** The values the Q8_0 blocks stand for (exactly float32: power-of-two scales), row-major. */
    float[] values = new float[ROWS * DIM];

    private Path model() {
        SplittableRandom r = new SplittableRandom(14);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int b = 0; b < ROWS * DIM / 32; b++) {
            GgufQuants.Block blk = GgufQuants.random(GgufBytes.Q8_0, r, true);
            data.writeBytes(blk.bytes());
            for (int j = 0; j < 32; j++) {
                values[b * 32 + j] = (float) blk.values()[j];
            }
        }
        String[] tokens = new String[ROWS];
        for (int i = 0; i < ROWS; i++) {
            tokens[i] = i == 0 ? "[CLS]" : "▁w" + i; // llama.cpp's BERT spelling: reads as w1, w2, ...
        }
        return new GgufBytes(3).string("general.architecture", "bert").string("general.name", "tiny test")
                .u32("bert.context_length", 512).u32("bert.embedding_length", DIM)
                .string("tokenizer.ggml.model", "bert").stringArray("tokenizer.ggml.tokens", tokens)
                .tensor("token_embd.weight", new long[]{DIM, ROWS}, GgufBytes.Q8_0, data.toByteArray())
                .tensor("output_norm.weight", new long[]{DIM}, GgufBytes.F32, new byte[4 * DIM])
                .write(dir.resolve("tiny.gguf"));
    }

    @Test
    void infoShowsWhatTheFileSays() {
        Path m = model();
        CliRun r = CliRun.of("info", m.toString());
        assertEquals(0, r.code(), r.err());
        for (String line : List.of(
                "gguf:         version 3, 6 metadata keys, alignment 32",
                "name:         tiny test",
                "architecture: bert (context_length 512, embedding_length 64)",
                "tokenizer:    bert, 40 tokens",
                "tensor types: Q8_0 x1, F32 x1",
                "  * token_embd.weight Q8_0 [40, 64]",
                "vocabulary:   40 tokens")) {
            assertTrue(r.out().contains(line + "\n"), line + " in:\n" + r.out());
        }
        BruteForce ref = new BruteForce(values, ROWS, DIM);
        double max = 0;
        int maxRow = -1;
        for (int i = 0; i < ROWS; i++) {
            double ss = 0;
            for (int j = 0; j < DIM; j++) {
                ss += (double) values[i * DIM + j] * values[i * DIM + j];
            }
            if (Math.sqrt(ss) > max) {
                max = Math.sqrt(ss);
                maxRow = i;
            }
        }
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "max %.6f (id %d \"w%d\")", max, maxRow, maxRow)), r.out());
        assertEquals(ROWS, ref.n);
    }

    @Test
    void neighborsPairAndAllPairsMatchTheBruteForce() throws IOException {
        Path m = model();
        BruteForce ref = new BruteForce(values, ROWS, DIM);
        CliRun n = CliRun.of("neighbors", m.toString(), "w3", "-k", "3");
        assertEquals(0, n.code(), n.err());
        assertTrue(n.out().startsWith("nearest neighbours of \"w3\" (id 3)"), n.out());
        int[] top = ref.topK(3, 3);
        List<String> rows = n.out().lines().filter(l -> l.matches("\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\S+")).toList();
        assertEquals(3, rows.size(), n.out());
        for (int k = 0; k < 3; k++) {
            String[] f = rows.get(k).trim().split("\\s+");
            assertEquals(top[k], Integer.parseInt(f[1]));
            assertEquals(ref.sim(3, top[k]), Double.parseDouble(f[2]), 1e-6);
            assertEquals("w" + top[k], f[3]);
        }
        CliRun p = CliRun.of("pair", m.toString(), "w5", "[CLS]");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains(String.format(java.util.Locale.ROOT, "(plain double loop):         %.6f", ref.sim(5, 0))), p.out());

        Path out = dir.resolve("ap");
        CliRun a = CliRun.of("all-pairs", m.toString(), "-k", "2", "--out", out.toString());
        assertEquals(0, a.code(), a.err());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(ROWS, s.get("n").asInt());
        assertEquals(ref.mean(), s.get("mean").asDouble(), 1e-6);
        int[] mx = ref.extreme(true);
        assertEquals("w" + mx[0], s.get("max").get("token_i").asText());
        assertEquals(ref.sim(mx[0], mx[1]), s.get("max").get("similarity").asDouble(), 1e-6);
    }

    @Test
    void badGgufFilesGiveOneLineAndExitTwo() {
        byte[] whole = new GgufBytes(3).tensor("token_embd.weight", new long[]{32, 4}, GgufBytes.Q8_0, new byte[4 * 34]).bytes();
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        huge.writeBytes(GgufBytes.u32(GgufBytes.STRING));
        huge.writeBytes(GgufBytes.u64(1L << 60));
        Object[][] cases = {
                {Arrays.copyOf(whole, 20), "truncated GGUF header"},
                {Arrays.copyOf(whole, 30), "claims 1 tensor infos, more than the 6 bytes left"},
                {Arrays.copyOf(whole, whole.length - 1), "runs past the end of the file"},
                {new GgufBytes(3).kv("tokenizer.ggml.tokens", GgufBytes.ARRAY, huge.toByteArray()).bytes(), "claims 1152921504606846976 strings"},
                {new GgufBytes(3).tensor("token_embd.weight", new long[]{4, 4}, 77, new byte[64]).bytes(), "unknown ggml type 77"},
                {new GgufBytes(3).tensorInfo("token_embd.weight", new long[]{4, 4}, GgufBytes.F32, 4).bytes(), "not a multiple of the alignment 32"},
        };
        int i = 0;
        for (Object[] c : cases) {
            Path f = TestFiles.write(dir.resolve("bad" + i++ + ".gguf"), (byte[]) c[0]);
            for (String cmd : List.of("info", "neighbors")) {
                CliRun r = cmd.equals("info") ? CliRun.of("info", f.toString()) : CliRun.of("neighbors", f.toString(), "0");
                assertEquals(2, r.code(), cmd + " " + f + " -> " + r.err());
                assertTrue(r.err().startsWith("cossim: error: " + f + ": "), r.err());
                assertTrue(r.err().contains((String) c[1]), r.err());
                assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
                assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
                assertEquals("", r.out());
            }
        }
    }

    @Test
    void writeGgufRoundTripsTheEmbeddedModel() {
        Path f32 = dir.resolve("minilm-f32.gguf");
        CliRun w = CliRun.of("write-gguf", "--type", "f32", "-o", f32.toString());
        assertEquals(0, w.code(), w.err());
        assertEquals("wrote " + f32 + ": token_embd.weight F32 [30522, 384], 30522 tokens\n", w.out());
        // The same rows and the same tokens as the embedded model: neighbours and similarities identical.
        CliRun a = CliRun.of("neighbors", f32.toString(), "king", "-k", "4");
        CliRun b = CliRun.of("neighbors", "king", "-k", "4");
        assertEquals(0, a.code(), a.err());
        assertEquals(b.out().lines().skip(2).toList(), a.out().lines().skip(2).toList());
        assertTrue(a.out().contains("queen"), a.out());
        CliRun bad = CliRun.of("write-gguf", "--type", "q4_k", "-o", dir.resolve("x.gguf").toString());
        assertEquals(2, bad.code());
        assertEquals("cossim: error: --type q4_k: choose f32, f16 or q8_0", bad.err().strip());
        assertFalse(Files.exists(dir.resolve("x.gguf")));
        assertArrayEquals(new String[0], dir.toFile().list((d, name) -> name.contains("partial")));
    }
}
