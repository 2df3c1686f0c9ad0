package dev.cossim.query;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.source.DType;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.source.ModelLoader;
import dev.cossim.source.Tensor;
import dev.cossim.source.TensorFile;
import dev.cossim.source.TensorInfo;
import dev.cossim.vocab.TokenVocabulary;
import dev.cossim.vocab.Vocabulary;
import dev.cossim.vocab.VocabularyFiles;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A corpus of batch files read as a model, so that every analysis of a matrix runs on it: the rows of its batches
 * concatenated in batch order (for 3-D batches the vectors at one token position), read once into memory as float32,
 * with the rows' labels as the vocabulary (so they show in outputs and {@code match} selects by them). Row {@code g}
 * is the corpus's global row {@code g}, as in {@code query}. Rows whose slot at the position is padding (by the
 * {@code X.tokens} counts beside the batches) are zeroed, so that analyses leave them out with the zero rows; the
 * model's description counts them.
 */
public final class CorpusModel {
    /** The name of the one in-memory tensor. */
    public static final String TENSOR = "rows";

    private CorpusModel() {
    }

    /**
     * The model {@code spec} names: a corpus of batch files ({@link #isCorpus}) read into memory, else the model
     * {@link ModelLoader#open} finds.
     *
     * @param position token position of 3-D batches (negative counts from the end), or null
     * @param alignEnd how {@code X.tokens} counts fill the slots (true: ending at the last slot), or null to ignore them
     */
    public static EmbeddingModel open(String spec, String tensor, Path vocabFile, Integer position, Boolean alignEnd) {
        if (spec != null && !spec.isBlank() && !spec.equals("default") && isCorpus(Path.of(spec), tensor, vocabFile, position)) {
            return read(Path.of(spec), tensor, vocabFile, position, alignEnd);
        }
        if (position != null) {
            throw new ParameterException("position", position, (spec == null ? "the default model" : spec)
                    + " is a model; a token position applies to a corpus of 3-D batch files");
        }
        EmbeddingModel m = ModelLoader.open(spec, tensor, vocabFile);
        Path p = spec == null || spec.isBlank() || spec.equals("default") ? null : Path.of(spec);
        if (vocabFile == null && p != null && Files.isRegularFile(p) && BatchFile.isBatchFile(p) && Corpus.labelsBeside(p) != null) {
            // A 2-D batch file with its labels beside: the file as it is (mapped, its own dtype), labelled rows.
            try (Corpus c = Corpus.open(List.of(p), tensor, null)) {
                m = new EmbeddingModel(m.description(), m.file(), m.matrix(), labels(c));
            } catch (RuntimeException e) {
                m.file().close();
                throw e;
            }
        }
        return m;
    }

    /**
     * Whether {@code p} is read as a corpus rather than a model file: a directory with batch files and none of a model
     * directory's files (a lone .safetensors stays a model unless an embed.json, labels or a position say otherwise),
     * or a batch file given a position or holding a 3-D tensor (a 2-D one with labels beside stays a model file,
     * its labels the vocabulary).
     */
    public static boolean isCorpus(Path p, String tensor, Path vocabFile, Integer position) {
        if (Files.isDirectory(p)) {
            for (String f : ModelLoader.MODEL_DIRECTORY_FILES) {
                if (Files.isRegularFile(p.resolve(f))) {
                    return false;
                }
            }
            if (Files.isRegularFile(p.resolve("embed.json"))) {
                return true;
            }
            List<Path> batches;
            try (var s = Files.list(p)) {
                batches = s.filter(f -> Files.isRegularFile(f) && BatchFile.isBatchFile(f)).toList();
            } catch (java.io.IOException e) {
                return false;
            }
            if (batches.size() == 1 && batches.getFirst().getFileName().toString().endsWith(".safetensors")) {
                return position != null || Corpus.labelsBeside(batches.getFirst()) != null;
            }
            return !batches.isEmpty();
        }
        String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(p) || !(BatchFile.isBatchFile(p) || name.endsWith(".bin"))) {
            return false;
        }
        if (position != null) {
            return true;
        }
        try (TensorFile f = ModelLoader.openFile(p)) {
            List<TensorInfo> ts = f.tensors();
            TensorInfo t = tensor != null ? ts.stream().filter(x -> x.name().equals(tensor)).findFirst().orElse(null)
                    : ts.size() == 1 ? ts.getFirst() : null;
            return t != null && t.shape().length == 3;
        }
    }

    /** Reads the corpus at {@code p} (a batch file or a directory of them) into a model. */
    public static EmbeddingModel read(Path p, String tensor, Path vocabFile, Integer position, Boolean alignEnd) {
        try (Corpus c = Corpus.open(List.of(p), tensor, null)) {
            int pos = c.position(position);
            long n = c.rows();
            int d = c.dim();
            long values = n * d;
            if (values > Integer.MAX_VALUE - 16) {
                throw CossimException.inFile(p, String.format(Locale.ROOT, "%,d rows x %d values are more than one array holds "
                        + "(%,d); analyse fewer rows (a batch file or a directory of fewer batches)", n, d, Integer.MAX_VALUE - 16));
            }
            long bytes = 4 * values;
            long heap = Runtime.getRuntime().maxMemory();
            if (2 * bytes > heap) {
                throw CossimException.inFile(p, String.format(Locale.ROOT, "the %,d x %d rows need %,d MB in memory (twice %,d MB as float32 "
                        + "while analysed), more than this JVM's %,d MB heap; raise it (JAVA_OPTS=-Xmx...) or analyse fewer rows",
                        n, d, 2 * bytes >> 20, bytes >> 20, heap >> 20));
            }
            float[] data = new float[(int) values];
            TokenCounts tokens = alignEnd != null ? TokenCounts.beside(c, alignEnd) : null;
            long padding = 0;
            for (Corpus.Batch b : c.batches()) {
                b.data().read(0, Math.toIntExact(b.rows()), pos, data, Math.toIntExact(b.firstRow() * d));
                if (tokens != null) {
                    for (long r = 0; r < b.rows(); r++) {
                        if (!tokens.holdsToken(b.index(), r, pos)) {
                            java.util.Arrays.fill(data, (int) ((b.firstRow() + r) * d), (int) ((b.firstRow() + r + 1) * d), 0f);
                            padding++;
                        }
                    }
                }
            }
            Vocabulary vocab = vocabFile != null ? VocabularyFiles.read(vocabFile) : labels(c);
            String shape = c.rank() == 3 ? "[rows, " + c.positions() + ", " + d + "]" : "[rows, " + d + "]";
            String at = c.rank() == 3 ? String.format(Locale.ROOT, ", position %d/%d", pos, pos - c.positions()) : "";
            String pad = padding > 0 ? String.format(Locale.ROOT, ", %,d rows in padding left out", padding) : "";
            String description = String.format(Locale.ROOT, "%s : %d batch file(s) %s %s%s%s", p, c.batches().size(), c.dtype(), shape, at, pad);
            Tensor t = new Tensor(p.toString(), TENSOR, DType.F32, new long[]{n, d}, MemorySegment.ofArray(data), ByteOrder.nativeOrder());
            return new EmbeddingModel(description, new InMemory(p, t), t, vocab);
        }
    }

    /** Every row's label ({@link Corpus#label}) when any batch has labels; else rows go by number. */
    private static Vocabulary labels(Corpus c) {
        if (c.batches().stream().allMatch(b -> b.labels() == null)) {
            return Vocabulary.none();
        }
        String[] out = new String[Math.toIntExact(c.rows())];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.label(i);
        }
        return new TokenVocabulary(out, false);
    }

    /** The corpus's rows as the one tensor of a "file". */
    private record InMemory(Path path, Tensor rows) implements TensorFile {
        @Override
        public String origin() {
            return path.toString();
        }

        @Override
        public List<TensorInfo> tensors() {
            return List.of(new TensorInfo(TENSOR, "F32", rows.shape()));
        }

        @Override
        public Tensor tensor(String name) {
            if (!name.equals(TENSOR)) {
                throw CossimException.inFile(path, "a corpus read as a model has one tensor, '" + TENSOR + "', not '" + name + "'");
            }
            return rows;
        }

        @Override
        public void close() {
        }
    }
}
