package dev.cossim.compare;

import org.ejml.data.DMatrixRMaj;

/**
 * The second pass: for every side s with directions V_s (d x d, unit columns), log Z(c) = log sum_i exp(c . x_i)
 * for c = each column and its opposite (streamed log-sum-exp); and, when a rotation R is given, each aligned row's
 * Procrustes residual on the unit rows of sides 0 and 1, sqrt(2 - 2 (u_A R) . u_B) (= ||u_A R - u_B|| when d_A <= d_B;
 * for d_A > d_B the residual against u_B padded with zeros, see {@link ComparisonResult.Procrustes}), written into
 * {@code residuals} (each thread writes its own range of rows).
 */
final class Projections implements RowPass.Accumulator<Projections> {
    private final DMatrixRMaj[] directions;
    private final DMatrixRMaj rotation;
    private final double[] residuals;
    /** Per side and direction: the running maximum and the sum of exp(value - maximum), for +c and -c. */
    final double[][] maxPlus;
    final double[][] sumPlus;
    final double[][] maxMinus;
    final double[][] sumMinus;
    private final DMatrixRMaj[] projected;
    private final DMatrixRMaj rotated;
    private final Products products;

    Projections(DMatrixRMaj[] directions, DMatrixRMaj rotation, double[] residuals, Products products) {
        this.products = products;
        this.directions = directions;
        this.rotation = rotation;
        this.residuals = residuals;
        int sides = directions.length;
        maxPlus = new double[sides][];
        sumPlus = new double[sides][];
        maxMinus = new double[sides][];
        sumMinus = new double[sides][];
        projected = new DMatrixRMaj[sides];
        for (int s = 0; s < sides; s++) {
            int d = directions[s].numCols;
            maxPlus[s] = filled(d, Double.NEGATIVE_INFINITY);
            maxMinus[s] = filled(d, Double.NEGATIVE_INFINITY);
            sumPlus[s] = new double[d];
            sumMinus[s] = new double[d];
            projected[s] = new DMatrixRMaj(RowPass.BLOCK, d);
        }
        rotated = rotation == null ? null : new DMatrixRMaj(RowPass.BLOCK, rotation.numCols);
    }

    private static double[] filled(int d, double v) {
        double[] a = new double[d];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Override
    public void accept(RowPass.Block b) {
        for (int s = 0; s < directions.length; s++) {
            DMatrixRMaj p = projected[s];
            p.reshape(b.rows, directions[s].numCols);
            products.mult(b.x[s], directions[s], p);
            int d = p.numCols;
            for (int r = 0; r < b.rows; r++) {
                for (int c = 0; c < d; c++) {
                    double v = p.data[r * d + c];
                    add(maxPlus[s], sumPlus[s], c, v);
                    add(maxMinus[s], sumMinus[s], c, -v);
                }
            }
        }
        if (rotation != null) {
            rotated.reshape(b.rows, rotation.numCols);
            products.mult(b.u[0], rotation, rotated);
            int d = rotation.numCols;
            double[] ub = b.u[1].data;
            for (int r = 0; r < b.rows; r++) {
                double dotp = 0;
                for (int c = 0; c < d; c++) {
                    dotp += rotated.data[r * d + c] * ub[r * d + c];
                }
                residuals[b.start + r] = Math.sqrt(Math.max(0, 2 - 2 * dotp));
            }
        }
    }

    /** Adds exp(v) to the running sum kept as max * sum of exp(x - max). */
    private static void add(double[] max, double[] sum, int c, double v) {
        if (v > max[c]) {
            sum[c] = sum[c] * Math.exp(max[c] - v) + 1;
            max[c] = v;
        } else {
            sum[c] += Math.exp(v - max[c]);
        }
    }

    @Override
    public void merge(Projections o) {
        for (int s = 0; s < directions.length; s++) {
            for (int c = 0; c < maxPlus[s].length; c++) {
                mergeOne(maxPlus[s], sumPlus[s], c, o.maxPlus[s][c], o.sumPlus[s][c]);
                mergeOne(maxMinus[s], sumMinus[s], c, o.maxMinus[s][c], o.sumMinus[s][c]);
            }
        }
    }

    private static void mergeOne(double[] max, double[] sum, int c, double oMax, double oSum) {
        if (oSum == 0) {
            return;
        }
        if (oMax > max[c]) {
            sum[c] = sum[c] * Math.exp(max[c] - oMax) + oSum;
            max[c] = oMax;
        } else {
            sum[c] += oSum * Math.exp(oMax - max[c]);
        }
    }

    /** min over c of Z(c) divided by max over c of Z(c), for side s, computed in logs. */
    double partitionRatio(int s) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < maxPlus[s].length; c++) {
            for (double logZ : new double[]{maxPlus[s][c] + Math.log(sumPlus[s][c]), maxMinus[s][c] + Math.log(sumMinus[s][c])}) {
                lo = Math.min(lo, logZ);
                hi = Math.max(hi, logZ);
            }
        }
        return Math.exp(lo - hi);
    }
}
