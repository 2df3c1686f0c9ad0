package dev.cossim.spark;

import dev.cossim.CossimException;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.source.DType;
import dev.cossim.source.Tensor;
import dev.cossim.vocab.Vocabulary;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import static org.apache.spark.sql.functions.col;

/**
 * A Parquet data set with an integer id column and an array-of-numbers vector column. Rows are prepared where they
 * are read (unit length through the core's {@link RowMatrix}, batch by batch), then sorted by id and cut into the
 * engine's blocks; all-pairs tasks receive their two panels through a shuffle.
 */
final class ParquetInput implements VectorInput {
    private static final int BATCH = 1024;

    private final SparkSession spark;
    private final String path;
    private final int dim;
    private final JavaRDD<PreparedRow> prepared;
    private int usableCount = -1;
    private int idLimit;
    private int[] zero;
    private int[] nonFinite;
    private JavaPairRDD<Integer, Panel> panels;

    ParquetInput(SparkSession spark, String path, String idColumn, String vectorColumn) {
        this.spark = spark;
        this.path = path;
        Dataset<Row> df;
        try {
            df = spark.read().parquet(path);
        } catch (Exception e) {
            throw new CossimException(path + ": cannot read as Parquet: " + firstLine(e.getMessage()), e);
        }
        DataType idType = type(df, idColumn, "--id-column");
        DataType vecType = type(df, vectorColumn, "--vector-column");
        if (!(idType instanceof IntegralType)) {
            throw new CossimException(path + ": id column '" + idColumn + "' is " + idType.simpleString() + ", expected an integer type");
        }
        if (!(vecType instanceof ArrayType at) || !(at.elementType() instanceof NumericType)) {
            throw new CossimException(path + ": vector column '" + vectorColumn + "' is " + vecType.simpleString()
                    + ", expected an array of numbers (array<float> or array<double>)");
        }
        Dataset<Row> rows = df.select(col(idColumn).cast("long"), col(vectorColumn).cast("array<float>"));
        List<Row> first = rows.limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new CossimException(path + ": no rows");
        }
        if (first.getFirst().isNullAt(1)) {
            throw new CossimException(path + ": row id " + first.getFirst().get(0) + " has no vector (null)");
        }
        this.dim = first.getFirst().getList(1).size();
        if (dim == 0) {
            throw new CossimException(path + ": vectors are empty (0 dimensions)");
        }
        String p = path;
        int d = dim;
        this.prepared = rows.javaRDD().mapPartitions(it -> prepare(p, d, it)).persist(StorageLevel.MEMORY_AND_DISK());
    }

    private DataType type(Dataset<Row> df, String column, String option) {
        for (StructField f : df.schema().fields()) {
            if (f.name().equals(column)) {
                return f.dataType();
            }
        }
        throw new CossimException(path + ": no column '" + column + "' (columns: " + String.join(", ", df.columns())
                + "); name it with " + option);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Normalises rows in batches exactly as {@link RowMatrix} does for a model file. */
    private static Iterator<PreparedRow> prepare(String path, int dim, Iterator<Row> it) {
        return new Iterator<>() {
            final List<PreparedRow> ready = new ArrayList<>();
            int pos;

            @Override
            public boolean hasNext() {
                if (pos < ready.size()) {
                    return true;
                }
                ready.clear();
                pos = 0;
                int[] ids = new int[BATCH];
                float[] values = new float[BATCH * dim];
                int m = 0;
                while (m < BATCH && it.hasNext()) {
                    Row r = it.next();
                    if (r.isNullAt(0)) {
                        throw new CossimException(path + ": a row has a null id");
                    }
                    long id = r.getLong(0);
                    if (id < 0 || id > Integer.MAX_VALUE - 1) {
                        throw new CossimException(path + ": id " + id + " is out of range (0 to " + (Integer.MAX_VALUE - 1) + ")");
                    }
                    if (r.isNullAt(1)) {
                        throw new CossimException(path + ": row id " + id + " has no vector (null)");
                    }
                    List<Object> v = r.getList(1);
                    if (v.size() != dim) {
                        throw new CossimException(path + ": row id " + id + " has " + v.size() + " values, expected " + dim);
                    }
                    for (int k = 0; k < dim; k++) {
                        Object x = v.get(k);
                        values[m * dim + k] = x == null ? Float.NaN : (Float) x;
                    }
                    ids[m++] = (int) id;
                }
                if (m == 0) {
                    return false;
                }
                Tensor t = new Tensor(path, "vectors", DType.F32, new long[]{m, dim},
                        MemorySegment.ofArray(Arrays.copyOf(values, m * dim)), ByteOrder.nativeOrder());
                RowMatrix rm = RowMatrix.of(t, Normalization.UNIT);
                byte[] status = new byte[m];
                for (int z : rm.zeroRows()) {
                    status[z] = PreparedRow.ZERO;
                }
                for (int z : rm.nonFiniteRows()) {
                    status[z] = PreparedRow.NON_FINITE;
                }
                float[] data = rm.data();
                int kept = 0;
                for (int r = 0; r < m; r++) {
                    if (status[r] == PreparedRow.USABLE) {
                        ready.add(new PreparedRow(ids[r], PreparedRow.USABLE, Arrays.copyOfRange(data, kept * dim, (kept + 1) * dim)));
                        kept++;
                    } else {
                        ready.add(new PreparedRow(ids[r], status[r], null));
                    }
                }
                return true;
            }

            @Override
            public PreparedRow next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.get(pos++);
            }
        };
    }

    /** One pass for the counts, the excluded ids and the id range; a second one checks that ids are unique. */
    private void scan() {
        if (usableCount >= 0) {
            return;
        }
        List<PreparedRow> excluded = prepared.filter(r -> !r.usable()).map(r -> new PreparedRow(r.id, r.status, null)).collect();
        zero = excluded.stream().filter(r -> r.status == PreparedRow.ZERO).mapToInt(r -> r.id).sorted().toArray();
        nonFinite = excluded.stream().filter(r -> r.status == PreparedRow.NON_FINITE).mapToInt(r -> r.id).sorted().toArray();
        long total = prepared.count();
        long distinct = prepared.map(r -> r.id).distinct().count();
        if (distinct != total) {
            throw new CossimException(path + ": ids are not unique (" + total + " rows, " + distinct + " distinct ids)");
        }
        idLimit = prepared.map(r -> r.id).reduce(Math::max) + 1;
        usableCount = Math.toIntExact(total - excluded.size());
    }

    @Override
    public String description() {
        return path;
    }

    @Override
    public Vocabulary vocabulary() {
        return Vocabulary.none();
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int usableRows() {
        scan();
        return usableCount;
    }

    @Override
    public int idLimit() {
        scan();
        return idLimit;
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

    /** Usable rows in id order, numbered, grouped into the layout's panels. */
    private JavaPairRDD<Integer, Panel> panels(PanelLayout layout) {
        if (panels != null) {
            return panels;
        }
        int d = dim;
        int np = layout.panels();
        panels = prepared.filter(PreparedRow::usable)
                .mapToPair(r -> new Tuple2<>(r.id, r))
                .sortByKey(true, Math.max(1, np))
                .values()
                .zipWithIndex()
                .mapToPair(ri -> new Tuple2<>(layout.panelOf(ri._2()), ri))
                .groupByKey(Math.max(1, np))
                .mapToPair(g -> {
                    List<Tuple2<PreparedRow, Long>> rows = new ArrayList<>();
                    g._2().forEach(rows::add);
                    rows.sort((x, y) -> Long.compare(x._2(), y._2()));
                    int[] ids = new int[rows.size()];
                    float[] data = new float[rows.size() * d];
                    for (int r = 0; r < rows.size(); r++) {
                        ids[r] = rows.get(r)._1().id;
                        System.arraycopy(rows.get(r)._1().unit, 0, data, r * d, d);
                    }
                    return new Tuple2<>(g._1(), new Panel(g._1(), d, ids, data));
                })
                .persist(StorageLevel.MEMORY_AND_DISK());
        return panels;
    }

    @Override
    public JavaRDD<PanelPair> panelPairs(PanelLayout layout, int partitions) {
        scan();
        int np = layout.panels();
        return panels(layout)
                .flatMapToPair(pp -> IntStream.range(0, np)
                        .mapToObj(q -> new Tuple2<>(PanelLayout.key(Math.min(pp._1(), q), Math.max(pp._1(), q)), pp._2()))
                        .iterator())
                .groupByKey(new PairPartitioner(layout, partitions))
                .map(g -> {
                    Panel a = null, b = null;
                    for (Panel x : g._2()) {
                        if (a == null) {
                            a = x;
                        } else {
                            b = x;
                        }
                    }
                    if (b == null) {
                        return new PanelPair(a, a);
                    }
                    return a.index < b.index ? new PanelPair(a, b) : new PanelPair(b, a);
                });
    }

    @Override
    public JavaRDD<Panel> chunks(int rows) {
        int d = dim;
        return prepared.filter(PreparedRow::usable).mapPartitionsWithIndex((part, it) -> {
            List<Panel> out = new ArrayList<>();
            List<PreparedRow> buf = new ArrayList<>();
            while (it.hasNext()) {
                buf.add(it.next());
                if (buf.size() == rows || !it.hasNext()) {
                    int[] ids = new int[buf.size()];
                    float[] data = new float[buf.size() * d];
                    for (int r = 0; r < buf.size(); r++) {
                        ids[r] = buf.get(r).id;
                        System.arraycopy(buf.get(r).unit, 0, data, r * d, d);
                    }
                    out.add(new Panel(part, d, ids, data));
                    buf.clear();
                }
            }
            return out.iterator();
        }, true);
    }

    @Override
    public Panel collect() {
        scan();
        List<PreparedRow> rows = new ArrayList<>(prepared.filter(PreparedRow::usable).collect());
        rows.sort((x, y) -> Integer.compare(x.id, y.id));
        int[] ids = new int[rows.size()];
        float[] data = new float[rows.size() * dim];
        for (int r = 0; r < rows.size(); r++) {
            ids[r] = rows.get(r).id;
            System.arraycopy(rows.get(r).unit, 0, data, r * dim, dim);
        }
        return new Panel(0, dim, ids, data);
    }

    @Override
    public void close() {
        if (panels != null) {
            panels.unpersist(false);
        }
        prepared.unpersist(false);
    }
}
