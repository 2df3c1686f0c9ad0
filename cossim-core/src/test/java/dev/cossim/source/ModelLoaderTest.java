package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.testing.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.cossim.testing.TestFiles.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLoaderTest {
    @TempDir
    Path dir;

    static final String TOKENIZER = """
            {"version":"1.0","added_tokens":[{"id":0,"content":"[PAD]"}],
             "model":{"type":"WordPiece","vocab":{"[PAD]":0,"hello":1,"world":2,"##s":3}}}""";

    @Test
    void huggingFaceDirectoryResolvesEmbeddingsAndVocabulary() {
        Path d = dir.resolve("bert");
        TestFiles.write(d.resolve("config.json"), "{\"model_type\":\"bert\"}");
        TestFiles.write(d.resolve("tokenizer.json"), TOKENIZER);
        TestFiles.safetensors(d.resolve("model.safetensors"),
                "{\"bert.embeddings.word_embeddings.weight\":{\"dtype\":\"F32\",\"shape\":[4,2],\"data_offsets\":[0,32]},"
                        + "\"bert.pooler.dense.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[32,48]}}",
                f32(1, 0, 0, 1, 1, 1, -1, 0, 5, 5, 5, 5));
        try (EmbeddingModel m = ModelLoader.open(d.toString(), null, null)) {
            assertEquals("bert.embeddings.word_embeddings.weight", m.matrix().name());
            assertEquals(4, m.rows());
            assertEquals(2, m.dim());
            assertEquals("world", m.vocabulary().token(2));
            assertEquals(3, m.vocabulary().id("##s").getAsInt());
        }
        try (EmbeddingModel m = ModelLoader.open(d.toString(), "bert.pooler.dense.weight", null)) {
            assertEquals(2, m.rows());
        }
    }

    @Test
    void shardedCheckpointOpensOnlyTheNeededShard() {
        Path d = dir.resolve("sharded");
        TestFiles.safetensors(d.resolve("model-00001-of-00002.safetensors"),
                "{\"model.embed_tokens.weight\":{\"dtype\":\"BF16\",\"shape\":[3,2],\"data_offsets\":[0,12]}}",
                TestFiles.bf16(1, 2, 3, 4, 5, 6));
        TestFiles.write(d.resolve("model.safetensors.index.json"), """
                {"metadata":{"total_size":12},"weight_map":{
                 "model.embed_tokens.weight":"model-00001-of-00002.safetensors",
                 "model.norm.weight":"model-00002-of-00002.safetensors"}}""");
        try (EmbeddingModel m = ModelLoader.open(d.toString(), "model.embed_tokens.weight", null)) {
            assertEquals(3, m.rows());
            assertEquals(6.0, m.matrix().getDouble(5));
        }
        CossimException e = assertThrows(CossimException.class,
                () -> ModelLoader.open(d.resolve("model.safetensors.index.json").toString(), "model.norm.weight", null));
        assertTrue(e.getMessage().contains("shard 'model-00002-of-00002.safetensors' named in the weight_map does not exist"), e.getMessage());
    }

    @Test
    void clearErrorsForMissingAndUnknownFiles() {
        Path missing = dir.resolve("nope.safetensors");
        CossimException e1 = assertThrows(CossimException.class, () -> ModelLoader.open(missing.toString(), null, null));
        assertEquals(missing + ": no such file or directory", e1.getMessage());
        Path txt = TestFiles.write(dir.resolve("weights.dat"), "hello, not a tensor");
        CossimException e2 = assertThrows(CossimException.class, () -> ModelLoader.open(txt.toString(), null, null));
        assertTrue(e2.getMessage().startsWith(txt + ": unknown format"), e2.getMessage());
        Path empty = dir.resolve("empty");
        TestFiles.write(empty.resolve("README"), "x");
        CossimException e3 = assertThrows(CossimException.class, () -> ModelLoader.open(empty.toString(), null, null));
        assertTrue(e3.getMessage().contains("no model file in this directory (looked for model.safetensors, "), e3.getMessage());
    }

    @Test
    void npyWithoutVocabularyFallsBackToIds() {
        Path p = TestFiles.npy(dir.resolve("e.npy"), 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", f32(1, 2, 3, 4));
        try (EmbeddingModel m = ModelLoader.open(p.toString(), null, null)) {
            assertEquals("#1", m.vocabulary().display(1));
        }
    }
}
