package dev.cossim.spark;

import dev.cossim.CossimException;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.query.CorpusModel;
import dev.cossim.source.Tensor;
import dev.cossim.vocab.Vocabulary;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A model file (.npy, .npz, .safetensors, PyTorch .pt/.bin, a shard index, .onnx) at a path every executor can read. Executors map it
 * and read only the rows of their panels; only row ids travel through Spark, never the vectors.
 */
final class ModelFileInput implements VectorInput {
    /** Rows per task of the scan that finds zero and non-finite rows. */
    private static final int SCAN_ROWS = 8192;

    private final JavaSparkContext jsc;
    private final String path;
    private final String tensor;
    private final EmbeddingModel model;
    private int[] usable;
    private int[] zero;
    private int[] nonFinite;
    private Broadcast<int[]> usableBroadcast;

    ModelFileInput(SparkSession spark, String path, String tensor) {
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.path = path;
        this.model = CorpusModel.open(path, tensor, null, null, null);
        this.tensor = tensor != null ? tensor : model.matrix().name();
    }

    @Override
    public String description() {
        return model.description();
    }

    @Override
    public Vocabulary vocabulary() {
        return model.vocabulary();
    }

    @Override
    public int dim() {
        return model.dim();
    }

    @Override
    public int idLimit() {
        return model.rows();
    }

    @Override
    public int usableRows() {
        return scan().length;
    }

    @Override
    public int[] zeroRows() {
        scan();
        return zero.clone();
    }

    @Override
    public int[] nonFiniteRows() {
        scan();
        return nonFinite.clone();
    }

    /** The usable row ids, found by a distributed scan of the file (each task checks one range of rows). */
    private int[] scan() {
        if (usable != null) {
            return usable;
        }
        int rows = model.rows();
        int chunks = (rows + SCAN_ROWS - 1) / SCAN_ROWS;
        String p = path, t = tensor;
        List<int[][]> excluded = jsc.parallelize(range(chunks), Math.max(1, Math.min(chunks, jsc.defaultParallelism() * 4)))
                .map(c -> {
                    int from = c * SCAN_ROWS;
                    RowMatrix m = RowMatrix.of(ExecutorModels.matrix(p, t), Normalization.UNIT,
                            IntStream.range(from, Math.min(rows, from + SCAN_ROWS)).toArray());
                    return new int[][]{m.zeroRows(), m.nonFiniteRows()};
                }).collect();
        zero = excluded.stream().flatMapToInt(e -> Arrays.stream(e[0])).sorted().toArray();
        nonFinite = excluded.stream().flatMapToInt(e -> Arrays.stream(e[1])).sorted().toArray();
        boolean[] out = new boolean[rows];
        for (int id : zero) {
            out[id] = true;
        }
        for (int id : nonFinite) {
            out[id] = true;
        }
        usable = IntStream.range(0, rows).filter(r -> !out[r]).toArray();
        return usable;
    }

    private Broadcast<int[]> usableIds() {
        if (usableBroadcast == null) {
            usableBroadcast = jsc.broadcast(scan());
        }
        return usableBroadcast;
    }

    /** Usable rows [from, from + count) of the id-ordered list, read and normalised from the mapped file. */
    private static Panel load(String path, String tensor, int[] usable, int index, int from, int count) {
        int[] ids = Arrays.copyOfRange(usable, from, from + count);
        Tensor t = ExecutorModels.matrix(path, tensor);
        RowMatrix m = RowMatrix.of(t, Normalization.UNIT, ids);
        if (m.size() != count) {
            throw new CossimException(path + ": rows changed while the job ran (a row became zero or non-finite)");
        }
        return new Panel(index, m.dim(), ids, m.data());
    }

    @Override
    public JavaRDD<PanelPair> panelPairs(PanelLayout layout, int partitions) {
        Broadcast<int[]> ids = usableIds();
        String p = path, t = tensor;
        // In the stage's order (largest first): parallelize gives partition i the i-th share of the list.
        List<Long> keys = layout.pairsLargestFirst().stream().map(pq -> PanelLayout.key(pq[0], pq[1])).toList();
        return jsc.parallelize(keys, partitions).mapPartitions(it -> pairs(p, t, ids, layout, it));
    }

    /** Panel pairs of a partition, their panels read once per executor ({@link ExecutorPanels}). */
    private static Iterator<PanelPair> pairs(String path, String tensor, Broadcast<int[]> ids, PanelLayout layout, Iterator<Long> keys) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return keys.hasNext();
            }

            @Override
            public PanelPair next() {
                long key = keys.next();
                Panel a = panel(PanelLayout.first(key)), b = PanelLayout.first(key) == PanelLayout.second(key) ? a : panel(PanelLayout.second(key));
                return new PanelPair(a, b);
            }

            private Panel panel(int i) {
                int from = layout.panelStart(i), count = layout.panelSize(i);
                // The job's rows (its broadcast of usable ids) and the panel's place in them name it.
                String k = path + "\u0000" + tensor + "\u0000" + ids.id() + "\u0000" + i + "\u0000" + from + "\u0000" + count;
                return ExecutorPanels.get(k, () -> load(path, tensor, ids.value(), i, from, count));
            }
        };
    }

    @Override
    public JavaRDD<Panel> chunks(int rows) {
        Broadcast<int[]> ids = usableIds();
        int n = usableRows();
        int count = (n + rows - 1) / rows;
        String p = path, t = tensor;
        return jsc.parallelize(range(count), Math.max(1, count))
                .map(c -> load(p, t, ids.value(), c, c * rows, Math.min(rows, n - c * rows)));
    }

    @Override
    public Panel collect() {
        RowMatrix m = RowMatrix.of(model.matrix(), Normalization.UNIT);
        zero = m.zeroRows();
        nonFinite = m.nonFiniteRows();
        usable = m.ids();
        return new Panel(0, m.dim(), m.ids(), m.data());
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    @Override
    public void close() {
        if (usableBroadcast != null) {
            usableBroadcast.destroy();
        }
        model.close();
    }
}
