package dev.cossim.matrix;

import dev.cossim.CossimException;
import dev.cossim.source.Tensor;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The rows that take part in an analysis, packed contiguously as float32 after normalisation (norms computed in
 * double). Zero rows and rows with non-finite values are left out, never turned into NaN similarities: their ids are
 * kept so that every report can say how many were excluded and which. Row {@code r} here is original row
 * {@code ids[r]}.
 */
public final class RowMatrix {
    private final int n;
    private final int dim;
    private final float[] data;
    private final int[] ids;
    private final int[] zeroRows;
    private final int[] nonFiniteRows;
    private final Normalization normalization;

    public RowMatrix(int dim, float[] data, int[] ids, int[] zeroRows, int[] nonFiniteRows, Normalization normalization) {
        if (data.length != (long) ids.length * dim) {
            throw new IllegalArgumentException("data holds " + data.length + " floats, expected " + ids.length + " x " + dim);
        }
        this.n = ids.length;
        this.dim = dim;
        this.data = data;
        this.ids = ids;
        this.zeroRows = zeroRows;
        this.nonFiniteRows = nonFiniteRows;
        this.normalization = normalization;
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
            float[] row = new float[d];
            for (int r = c * chunk; r < Math.min(m, (c + 1) * chunk); r++) {
                t.readFloats((long) selection[r] * d, row, 0, d);
                status[r] = prepareRow(row, norm);
                System.arraycopy(row, 0, packed, r * d, d);
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
     * Rows of {@code a} followed by rows of {@code b} (prepared alike): the layout of a rectangular run, where packed
     * rows {@code [0, a.size())} are one side and the rest the other.
     */
    public static RowMatrix concat(RowMatrix a, RowMatrix b) {
        if (a.dim != b.dim || a.normalization != b.normalization) {
            throw new IllegalArgumentException("rows of different shape or preparation cannot be joined");
        }
        float[] data = new float[(a.n + b.n) * a.dim];
        System.arraycopy(a.data, 0, data, 0, a.data.length);
        System.arraycopy(b.data, 0, data, a.data.length, b.data.length);
        return new RowMatrix(a.dim, data, join(a.ids, b.ids), join(a.zeroRows, b.zeroRows),
                join(a.nonFiniteRows, b.nonFiniteRows), a.normalization);
    }

    private static int[] join(int[] x, int[] y) {
        int[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    /** Normalises one row in place; returns 0 when usable, 1 for a zero row, 2 for non-finite values. */
    public static byte prepareRow(float[] row, Normalization norm) {
        double sum = 0;
        for (float v : row) {
            if (!Float.isFinite(v)) {
                return 2;
            }
            sum += v;
        }
        double mean = norm == Normalization.CENTRED_UNIT ? sum / row.length : 0;
        double ss = 0;
        for (float v : row) {
            double x = v - mean;
            ss += x * x;
        }
        if (ss == 0) {
            return 1;
        }
        if (norm == Normalization.NONE) {
            return 0;
        }
        double inv = 1.0 / Math.sqrt(ss);
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) ((row[i] - mean) * inv);
        }
        return 0;
    }

    public int size() {
        return n;
    }

    public int dim() {
        return dim;
    }

    /** Row-major packed rows, {@code size() x dim()}. */
    public float[] data() {
        return data;
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
