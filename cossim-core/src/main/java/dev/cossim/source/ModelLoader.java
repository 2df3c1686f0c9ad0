package dev.cossim.source;

import dev.cossim.CossimException;
import dev.cossim.vocab.Vocabulary;
import dev.cossim.vocab.VocabularyFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Resolves what the user names to an {@link EmbeddingModel}: nothing (the embedded default), a tensor file
 * (.safetensors, .npy, .npz, .onnx, PyTorch .pt/.pth/.bin, .gguf, a shard index), or a Hugging Face style model
 * directory. The token-embedding tensor is found by its usual names unless one is given. A GGUF file (.gguf, or the
 * magic GGUF) brings its own vocabulary.
 */
public final class ModelLoader {
    /** Name endings of token-embedding tensors across model families, in order of preference. */
    public static final List<String> EMBEDDING_NAMES = List.of(
            "word_embeddings.weight", "wte.weight", "embed_tokens.weight", "token_embd.weight", "shared.weight",
            "word_embeddings", "wte", "embed_tokens", "token_embd", "shared");

    private ModelLoader() {
    }

    /**
     * @param spec      a path, or null for the default model
     * @param tensor    tensor name to use, or null to find the token embeddings by name
     * @param vocabFile a tokenizer.json / vocab.txt to use, or null to look beside the model
     */
    public static EmbeddingModel open(String spec, String tensor, Path vocabFile) {
        if (spec == null || spec.isBlank() || spec.equals("default")) {
            EmbeddingModel m = DefaultModel.open();
            if (tensor != null && !tensor.equals(DefaultModel.TENSOR)) {
                Tensor t = m.file().tensor(tensor).requireMatrix();
                m = new EmbeddingModel(m.description(), m.file(), t, m.vocabulary());
            }
            return vocabFile == null ? m : new EmbeddingModel(m.description(), m.file(), m.matrix(), VocabularyFiles.read(vocabFile));
        }
        Path path = Path.of(spec);
        TensorFile file = openFile(path);
        try {
            String name = tensor != null ? tensor : findEmbeddingTensor(file);
            Tensor t = file.tensor(name).requireMatrix();
            Vocabulary vocab = vocabFile != null ? VocabularyFiles.read(vocabFile)
                    : file.vocabulary() != null ? file.vocabulary() : VocabularyFiles.besides(file.directory());
            return new EmbeddingModel(path + " : " + name, file, t, vocab == null ? Vocabulary.none() : vocab);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Opens any supported tensor container by its name and, failing that, its first bytes. */
    public static TensorFile openFile(Path path) {
        if (Files.isDirectory(path)) {
            return openDirectory(path);
        }
        if (!Files.exists(path)) {
            throw CossimException.inFile(path, "no such file or directory");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return SafetensorsFile.open(path);
        }
        if (name.endsWith(".npy")) {
            return NpyFile.open(path);
        }
        if (name.endsWith(".onnx")) {
            return OnnxFile.open(path);
        }
        if (name.endsWith(".index.json")) {
            return ShardedCheckpoint.open(path);
        }
        if (name.endsWith(".pt") || name.endsWith(".pth")) {
            return PyTorchFile.open(path);
        }
        if (name.endsWith(".bin")) { // torch.save's usual name, but llama.cpp's files are .bin too
            return GgufFile.isGguf(MappedFile.firstBytes(path, 8)) ? GgufFile.open(path) : PyTorchFile.open(path);
        }
        if (name.endsWith(".npz")) {
            return NpzFile.open(path);
        }
        if (name.endsWith(".gguf")) {
            return GgufFile.open(path);
        }
        byte[] head = MappedFile.firstBytes(path, 8);
        if (GgufFile.isGguf(head)) {
            return GgufFile.open(path);
        }
        if (head.length >= 6 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U') {
            return NpyFile.open(path);
        }
        if (ZipArchive.hasMagic(head)) {
            return openZip(path);
        }
        if (head.length > 0 && (head[0] & 0xff) == 0x80) {
            return PyTorchFile.open(path); // a pickle: says how to re-save a legacy torch file
        }
        throw CossimException.inFile(path, "unknown format: expected .safetensors, .npy, .npz, .onnx, .gguf, a PyTorch"
                + " .pt/.pth/.bin, a *.index.json shard index or a model directory");
    }

    /** A zip archive by its contents: torch.save's (NAME/data.pkl) or NumPy's .npz (NAME.npy members). */
    private static TensorFile openZip(Path path) {
        ZipArchive zip = ZipArchive.open(path);
        try {
            return PyTorchFile.isPyTorch(zip) ? PyTorchFile.read(zip) : NpzFile.read(zip);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** What a model directory may hold, in order of preference (single-file weights before their shard index). */
    public static final List<String> MODEL_DIRECTORY_FILES = List.of(
            "model.safetensors", "model.safetensors.index.json", "pytorch_model.safetensors",
            "pytorch_model.bin", "pytorch_model.bin.index.json", "model.onnx", "onnx/model.onnx");

    private static TensorFile openDirectory(Path dir) {
        for (String f : MODEL_DIRECTORY_FILES) {
            Path p = dir.resolve(f);
            if (Files.isRegularFile(p)) {
                return openFile(p);
            }
        }
        try (var s = Files.list(dir)) {
            List<Path> st = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            if (st.size() == 1) {
                return SafetensorsFile.open(st.getFirst());
            }
        } catch (IOException e) {
            throw CossimException.inFile(dir, "cannot list directory: " + e.getMessage());
        }
        throw CossimException.inFile(dir, "no model file in this directory (looked for " + String.join(", ", MODEL_DIRECTORY_FILES) + ")");
    }

    /** The token-embedding tensor of a file: by the usual names, or the only 2-D floating tensor there is. */
    public static String findEmbeddingTensor(TensorFile file) {
        List<TensorInfo> all = file.tensors();
        for (String suffix : EMBEDDING_NAMES) {
            for (TensorInfo t : all) {
                if ((t.name().equals(suffix) || t.name().endsWith("." + suffix)) && t.shape().length == 2) {
                    return t.name();
                }
            }
        }
        List<TensorInfo> matrices = all.stream()
                .filter(t -> t.shape().length == 2 && DType.fromSafetensors(t.dtype()).map(DType::isFloating).orElse(true))
                .toList();
        if (matrices.size() == 1 || all.size() == 1) {
            return (matrices.size() == 1 ? matrices : all).getFirst().name();
        }
        String names = all.stream().limit(8).map(TensorInfo::toString).toList().toString();
        throw CossimException.inFile(file.origin(), "no token-embedding tensor found by the usual names "
                + Arrays.toString(EMBEDDING_NAMES.subList(0, 5).toArray()) + "; pick one with --tensor (tensors: " + names
                + (all.size() > 8 ? " and " + (all.size() - 8) + " more" : "") + ")");
    }
}
