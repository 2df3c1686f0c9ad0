package dev.cossim.compare;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Sums over the rows of each side, in double: column sums of the rows and of the unit rows, the column sums of
 * squares of the unit rows, the d x d Gram product of each side's rows (and of its unit rows when asked), and, for
 * two sides, the cross products A^T B of the rows and of the unit rows. Blocked double products through
 * {@link Products} (OpenBLAS or EJML); call {@link #symmetrize} on the merged total.
 */
final class Moments implements RowPass.Accumulator<Moments> {
    final int sides;
    final boolean unitGrams;
    long n;
    final double[][] sumX;
    final double[][] sumU;
    final double[][] sumSqU;
    final DMatrixRMaj[] gramX;
    final DMatrixRMaj[] gramU;
    final DMatrixRMaj crossX;
    final DMatrixRMaj crossU;
    private final DMatrixRMaj[] temp;
    private final Products products;

    Moments(int[] dims, boolean unitGrams, boolean cross, Products products) {
        this.products = products;
        this.sides = dims.length;
        this.unitGrams = unitGrams;
        sumX = new double[sides][];
        sumU = new double[sides][];
        sumSqU = new double[sides][];
        gramX = new DMatrixRMaj[sides];
        gramU = new DMatrixRMaj[sides];
        temp = new DMatrixRMaj[sides];
        for (int s = 0; s < sides; s++) {
            sumX[s] = new double[dims[s]];
            sumU[s] = new double[dims[s]];
            sumSqU[s] = new double[dims[s]];
            gramX[s] = new DMatrixRMaj(dims[s], dims[s]);
            gramU[s] = unitGrams ? new DMatrixRMaj(dims[s], dims[s]) : null;
            temp[s] = products == Products.EJML ? new DMatrixRMaj(dims[s], dims[s]) : null;
        }
        crossX = sides == 2 && cross ? new DMatrixRMaj(dims[0], dims[1]) : null;
        crossU = crossX != null && unitGrams ? new DMatrixRMaj(dims[0], dims[1]) : null;
    }

    @Override
    public void accept(RowPass.Block b) {
        n += b.rows;
        for (int s = 0; s < sides; s++) {
            int d = sumX[s].length;
            double[] x = b.x[s].data;
            double[] u = b.u[s].data;
            for (int r = 0; r < b.rows; r++) {
                for (int c = 0; c < d; c++) {
                    double uv = u[r * d + c];
                    sumX[s][c] += x[r * d + c];
                    sumU[s][c] += uv;
                    sumSqU[s][c] += uv * uv;
                }
            }
            products.addInner(b.x[s], gramX[s], temp[s]);
            if (unitGrams) {
                products.addInner(b.u[s], gramU[s], temp[s]);
            }
        }
        if (crossX != null) {
            products.addTransA(b.x[0], b.x[1], crossX);
            if (crossU != null) {
                products.addTransA(b.u[0], b.u[1], crossU);
            }
        }
    }

    /** Completes the symmetric Gram products from their upper triangles (after the pass and its merges). */
    Moments symmetrize() {
        for (int s = 0; s < sides; s++) {
            Products.symmetrize(gramX[s]);
            if (unitGrams) {
                Products.symmetrize(gramU[s]);
            }
        }
        return this;
    }

    @Override
    public void merge(Moments o) {
        n += o.n;
        for (int s = 0; s < sides; s++) {
            add(sumX[s], o.sumX[s]);
            add(sumU[s], o.sumU[s]);
            add(sumSqU[s], o.sumSqU[s]);
            CommonOps_DDRM.addEquals(gramX[s], o.gramX[s]);
            if (unitGrams) {
                CommonOps_DDRM.addEquals(gramU[s], o.gramU[s]);
            }
        }
        if (crossX != null) {
            CommonOps_DDRM.addEquals(crossX, o.crossX);
            if (crossU != null) {
                CommonOps_DDRM.addEquals(crossU, o.crossU);
            }
        }
    }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    /** G - s t^T / n: the Gram (or cross) product of the column-centred rows, from the uncentred one and the sums. */
    static DMatrixRMaj centred(DMatrixRMaj g, double[] s, double[] t, long n) {
        DMatrixRMaj c = g.copy();
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < t.length; j++) {
                c.add(i, j, -s[i] * t[j] / n);
            }
        }
        return c;
    }

    /**
     * Linear CKA of column-centred rows from their Gram products:
     * ||Ya^T Yb||_F^2 / (||Ya^T Ya||_F ||Yb^T Yb||_F).
     */
    static double cka(DMatrixRMaj aa, DMatrixRMaj bb, DMatrixRMaj ab) {
        double num = frobeniusSquared(ab);
        return num / (Math.sqrt(frobeniusSquared(aa)) * Math.sqrt(frobeniusSquared(bb)));
    }

    static double frobeniusSquared(DMatrixRMaj m) {
        double s = 0;
        for (double v : m.data) {
            s += v * v;
        }
        return s;
    }
}
