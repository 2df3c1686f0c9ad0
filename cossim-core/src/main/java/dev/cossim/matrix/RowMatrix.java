package dev.cossim.matrix;

import dev.cossim.CossimException;
import dev.cossim.source.Tensor;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The rows that take part in an analysis, as float32 after normalisation (norms computed in double). Zero rows and
 * rows with non-finite values are left out, never turned into NaN similarities: their ids are kept so that every
 * report can say how many were excluded and which. Row {@code r} here is original row {@code ids[r]}.
 * <p>
 * Either <em>packed</em>: all rows in one float array ({@link #data}), or <em>streamed</em> ({@link #streamed}): the
 * source tensor stays where it is (memory-mapped) with each row's shift and scale, and {@link #readRows} reads and
 * normalises a block of rows when a tile needs it, to the same bits as packing would give. Streaming keeps a large
 * half-precision model at its own size in memory instead of twice it (or four times, for bfloat16 in float32).
 * <p>
 * Two packed matrices joined by {@link #concat} keep their own arrays: {@link #span} finds rows in them without a copy,
 * and only {@link #data} joins them into one array (once, when first asked).
 */
public final class RowMatrix {
    private final int n;
    private final int dim;
    private final float[] data;
    private final int[] ids;
    private final int[] zeroRows;
    private final int[] nonFiniteRows;
    private final Normalization normalization;
    /** Streamed rows: the source, and per row what is subtracted and what it is then multiplied by (null when packed). */
    private final Tensor source;
    private final double[] shift;
    private final double[] scale;
    /** Joined rows ({@link #concat}): the two sides, and their one array once {@link #data} has made it. */
    private final RowMatrix first, second;
    private float[] joined;

    public RowMatrix(int dim, float[] data, int[] ids, int[] zeroRows, int[] nonFiniteRows, Normalization normalization) {
        this(dim, data, ids, zeroRows, nonFiniteRows, normalization, null, null, null, null, null);
        if (data.length != (long) ids.length * dim) {
            throw new IllegalArgumentException("data holds " + data.length + " floats, expected " + ids.length + " x " + dim);
        }
    }

    private RowMatrix(int dim, float[] data, int[] ids, int[] zeroRows, int[] nonFiniteRows, Normalization normalization,
                      Tensor source, double[] shift, double[] scale, RowMatrix first, RowMatrix second) {
        this.n = ids.length;
        this.dim = dim;
        this.data = data;
        this.ids = ids;
        this.zeroRows = zeroRows;
        this.nonFiniteRows = nonFiniteRows;
        this.normalization = normalization;
        this.source = source;
        this.shift = shift;
        this.scale = scale;
        this.first = first;
        this.second = second;
    }

    /**
     * Runs the loops that measure and normalise rows ({@link #of}) on a few thousand short synthetic rows, for a JIT
     * warm-up thread to call before it compiles heavier code: otherwise these loops wait in the compiler's queue behind
     * the fused pass's Vector API methods, and rows read meanwhile are normalised by interpreted code
     * (docs/performance.md, "Start-up"). A few milliseconds.
     */
    public static void warmUp() {
        float[] row = new float[64];
        double[] ms = new double[2];
        for (int i = 0; i < 6000; i++) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) Math.sin(i + 0.37 * j);
            }
            Normalization norm = i % 8 == 0 ? Normalization.CENTRED_UNIT : Normalization.UNIT;
            if (measureRow(row, 0, row.length, norm, ms) == 0) {
                applyRow(row, 0, row.length, ms[0], ms[1]);
            }
        }
    }

    /** Every row of a 2-D tensor. */
    public static RowMatrix of(Tensor t, Normalization norm) {
        int rows = Math.toIntExact(t.rows());
        return of(t, norm, IntStream.range(0, rows).toArray());
    }

    /** The selected rows (original ids, in the order given) of a 2-D tensor. */
    public static RowMatrix of(Tensor t, Normalization norm, int[] selection) {
        t.requireMatrix();
        int d = (int) t.rowLength();
        if ((long) selection.length * d > Integer.MAX_VALUE - 16) {
            throw new CossimException(t.origin() + ": " + selection.length + " x " + d
                    + " values exceed one Java array (2^31); select fewer rows");
        }
        for (int id : selection) {
            if (id < 0 || id >= t.rows()) {
                throw new CossimException("row id " + id + " is out of range: " + t.origin() + " has " + t.rows() + " rows");
            }
        }
        int m = selection.length;
        float[] packed = new float[m * d];
        byte[] status = new byte[m]; // 0 ok, 1 zero, 2 non-finite
        int chunk = 1024;
        IntStream.range(0, (m + chunk - 1) / chunk).parallel().forEach(c -> {
            double[] ms = new double[2];
            for (int r = c * chunk; r < Math.min(m, (c + 1) * chunk); r++) {
                // Read straight into its place and normalised there, as prepareRow does.
                t.readFloats((long) selection[r] * d, packed, r * d, d);
                status[r] = measureRow(packed, r * d, d, norm, ms);
                if (status[r] == 0 && norm != Normalization.NONE) {
                    applyRow(packed, r * d, d, ms[0], ms[1]);
                }
            }
        });
        int kept = 0;
        for (byte s : status) {
            if (s == 0) {
                kept++;
            }
        }
        if (kept == m) {
            return new RowMatrix(d, packed, selection.clone(), new int[0], new int[0], norm);
        }
        float[] compact = new float[kept * d];
        int[] ids = new int[kept];
        int[] zero = IntStream.range(0, m).filter(r -> status[r] == 1).map(r -> selection[r]).toArray();
        int[] nonFinite = IntStream.range(0, m).filter(r -> status[r] == 2).map(r -> selection[r]).toArray();
        int k = 0;
        for (int r = 0; r < m; r++) {
            if (status[r] == 0) {
                System.arraycopy(packed, r * d, compact, k * d, d);
                ids[k++] = selection[r];
            }
        }
        return new RowMatrix(d, compact, ids, zero, nonFinite, norm);
    }

    /**
     * The selected rows of a 2-D tensor, streamed: one pass over the rows finds the excluded ones and each row's
     * shift and scale (in double, as packing computes them), and nothing is copied; {@link #readRows} then gives any
     * block of rows, normalised, to the same bits as {@link #of} would have packed them. The tensor must stay open
     * while the rows are read.
     */
    public static RowMatrix streamed(Tensor t, Normalization norm, int[] selection) {
        t.requireMatrix();
        int d = Math.toIntExact(t.rowLength());
        for (int id : selection) {
            if (id < 0 || id >= t.rows()) {
                throw new CossimException("row id " + id + " is out of range: " + t.origin() + " has " + t.rows() + " rows");
            }
        }
        int m = selection.length;
        byte[] status = new byte[m];
        double[] shiftAll = new double[m], scaleAll = new double[m];
        int chunk = 1024;
        IntStream.range(0, (m + chunk - 1) / chunk).parallel().forEach(c -> {
            float[] row = new float[d];
            double[] ms = new double[2];
            for (int r = c * chunk; r < Math.min(m, (c + 1) * chunk); r++) {
                t.readFloats((long) selection[r] * d, row, 0, d);
                status[r] = measureRow(row, norm, ms);
                shiftAll[r] = ms[0];
                scaleAll[r] = ms[1];
            }
        });
        int kept = 0;
        for (byte st : status) {
            if (st == 0) {
                kept++;
            }
        }
        int[] ids = new int[kept];
        double[] shift = new double[kept], scale = new double[kept];
        int k = 0;
        for (int r = 0; r < m; r++) {
            if (status[r] == 0) {
                ids[k] = selection[r];
                shift[k] = shiftAll[r];
                scale[k++] = scaleAll[r];
            }
        }
        int[] zero = IntStream.range(0, m).filter(r -> status[r] == 1).map(r -> selection[r]).toArray();
        int[] nonFinite = IntStream.range(0, m).filter(r -> status[r] == 2).map(r -> selection[r]).toArray();
        return new RowMatrix(d, null, ids, zero, nonFinite, norm, t, shift, scale, null, null);
    }

    /** Whether all rows are in one array ({@link #data}); else they are streamed ({@link #readRows}). */
    public boolean packed() {
        return data != null || first != null;
    }

    /** Where packed rows {@code [row, row + count)} of a matrix lie: rows {@code [row, row + count)} of {@code array}. */
    public record Span(float[] array, int row) {
    }

    /**
     * The array holding packed rows {@code [r0, r0 + count)} one after the other, and where they start in it: for
     * joined rows ({@link #concat}) that lie on one side, that side's own array (no copy).
     */
    public Span span(int r0, int count) {
        java.util.Objects.checkFromIndexSize(r0, count, n);
        if (first != null) {
            int split = first.n;
            if (r0 + count <= split) {
                return first.span(r0, count);
            }
            if (r0 >= split) {
                return second.span(r0 - split, count);
            }
        }
        return new Span(data(), r0);
    }

    /**
     * Rows {@code [r0, r0 + count)}, normalised, into {@code dst} from float {@code dstOff} (row-major, {@code dim()}
     * per row): a copy of the packed rows, or read from the source and normalised (streamed rows).
     */
    public void readRows(int r0, int count, float[] dst, int dstOff) {
        java.util.Objects.checkFromIndexSize(r0, count, n);
        if (first != null) {
            int fromFirst = Math.max(0, Math.min(count, first.n - r0));
            if (fromFirst > 0) {
                first.readRows(r0, fromFirst, dst, dstOff);
            }
            if (fromFirst < count) {
                second.readRows(Math.max(0, r0 - first.n), count - fromFirst, dst, dstOff + fromFirst * dim);
            }
            return;
        }
        if (data != null) {
            System.arraycopy(data, r0 * dim, dst, dstOff, count * dim);
            return;
        }
        for (int r = r0; r < r0 + count; r++) {
            int o = dstOff + (r - r0) * dim;
            source.readFloats((long) ids[r] * dim, dst, o, dim);
            applyRow(dst, o, dim, shift[r], scale[r]);
        }
    }

    /**
     * Rows of {@code a} followed by rows of {@code b} (prepared alike): the layout of a rectangular run, where packed
     * rows {@code [0, a.size())} are one side and the rest the other. The sides' arrays are not copied (see
     * {@link #span}); {@link #data} joins them when asked.
     */
    public static RowMatrix concat(RowMatrix a, RowMatrix b) {
        if (!a.packed() || !b.packed()) {
            throw new IllegalArgumentException("streamed rows cannot be joined");
        }
        if (a.dim != b.dim || a.normalization != b.normalization) {
            throw new IllegalArgumentException("rows of different shape or preparation cannot be joined");
        }
        Math.multiplyExact(a.n + b.n, a.dim); // the joined array must be possible, should data() be asked for
        return new RowMatrix(a.dim, null, join(a.ids, b.ids), join(a.zeroRows, b.zeroRows),
                join(a.nonFiniteRows, b.nonFiniteRows), a.normalization, null, null, null, a, b);
    }

    private static int[] join(int[] x, int[] y) {
        int[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    /** Normalises one row in place; returns 0 when usable, 1 for a zero row, 2 for non-finite values. */
    public static byte prepareRow(float[] row, Normalization norm) {
        double[] ms = new double[2];
        byte status = measureRow(row, norm, ms);
        if (status == 0 && norm != Normalization.NONE) {
            applyRow(row, 0, row.length, ms[0], ms[1]);
        }
        return status;
    }

    /**
     * What normalising a row takes: its shift (the mean for centred rows, else 0) into {@code out[0]}, and the scale
     * (1 / the norm of the shifted row; 1 for {@link Normalization#NONE}) into {@code out[1]}, both in double; returns
     * 0 when usable, 1 for a zero row, 2 for non-finite values.
     */
    private static byte measureRow(float[] row, Normalization norm, double[] out) {
        return measureRow(row, 0, row.length, norm, out);
    }

    /** {@link #measureRow(float[], Normalization, double[])} of {@code row[off, off + len)}. */
    private static byte measureRow(float[] row, int off, int len, Normalization norm, double[] out) {
        double mean = 0, ss = 0;
        if (norm == Normalization.CENTRED_UNIT) {
            double sum = 0;
            for (int i = off; i < off + len; i++) {
                float v = row[i];
                if (!Float.isFinite(v)) {
                    return 2;
                }
                sum += v;
            }
            mean = sum / len;
            for (int i = off; i < off + len; i++) {
                double x = row[i] - mean;
                ss += x * x;
            }
        } else {
            // One pass: the mean is 0, and x - 0.0 is x, so the squares add up as the two passes above would.
            for (int i = off; i < off + len; i++) {
                float v = row[i];
                if (!Float.isFinite(v)) {
                    return 2;
                }
                double x = v;
                ss += x * x;
            }
        }
        if (ss == 0) {
            return 1;
        }
        out[0] = mean;
        out[1] = norm == Normalization.NONE ? 1 : 1.0 / Math.sqrt(ss);
        return 0;
    }

    /** {@code row[i] = (float) ((row[i] - shift) * scale)} over {@code [off, off + len)}: exact for shift 0, scale 1. */
    private static void applyRow(float[] row, int off, int len, double shift, double scale) {
        for (int i = off; i < off + len; i++) {
            row[i] = (float) ((row[i] - shift) * scale);
        }
    }

    public int size() {
        return n;
    }

    public int dim() {
        return dim;
    }

    /** Row-major packed rows, {@code size() x dim()}; streamed rows have none (see {@link #readRows}). */
    public float[] data() {
        if (first != null) {
            return joined();
        }
        if (data == null) {
            throw new IllegalStateException("the rows are streamed from " + source.origin() + ", not packed: read them with readRows");
        }
        return data;
    }

    private synchronized float[] joined() {
        if (joined == null) {
            float[] a = first.data(), b = second.data();
            float[] j = new float[a.length + b.length];
            System.arraycopy(a, 0, j, 0, a.length);
            System.arraycopy(b, 0, j, a.length, b.length);
            joined = j;
        }
        return joined;
    }

    /** Original id of packed row {@code r}. */
    public int id(int r) {
        return ids[r];
    }

    public int[] ids() {
        return ids.clone();
    }

    public int[] zeroRows() {
        return zeroRows.clone();
    }

    public int[] nonFiniteRows() {
        return nonFiniteRows.clone();
    }

    public int excludedCount() {
        return zeroRows.length + nonFiniteRows.length;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** Packed index of an original id, or -1 if that row is excluded or not selected. */
    public int indexOf(int id) {
        for (int r = 0; r < n; r++) {
            if (ids[r] == id) {
                return r;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "RowMatrix[" + n + " x " + dim + ", excluded " + Arrays.toString(zeroRows) + Arrays.toString(nonFiniteRows) + "]";
    }
}
