package dev.cossim.compare;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * How evenly one side's rows fill their space.
 *
 * @param meanCosine            mean cosine of all pairs of distinct rows (Ethayarajh's anisotropy baseline)
 * @param isoScore              IsoScore (Rudman et al. 2022) of the rows' covariance spectrum: 1 isotropic, 0 one direction
 * @param partitionRatio        min_c Z(c) / max_c Z(c), Z(c) = sum_i exp(c . x_i), over the unit eigenvectors c of
 *                              X^T X and their opposites (Mu and Viswanath 2018): 1 isotropic, towards 0 anisotropic
 * @param componentShares       share of the total variance in each of the top principal components (at most 10)
 * @param dimensionContribution per dimension d: the mean over pairs of u_i[d] u_j[d] on unit rows; these sum to
 *                              {@code meanCosine} (rogue dimensions, Timkey and van Schijndel 2021)
 */
public record Isotropy(double meanCosine, double isoScore, double partitionRatio, double[] componentShares,
                       double[] dimensionContribution) {
    static final int SHARES = 10;

    /** Cumulative share of the variance in the top {@code k} components (k at most {@link #SHARES}). */
    public double topShare(int k) {
        double s = 0;
        for (int i = 0; i < Math.min(k, componentShares.length); i++) {
            s += componentShares[i];
        }
        return s;
    }

    /** Dimensions in order of their contribution to the mean cosine, largest first (ties: lower dimension). */
    public int[] rogueDimensions(int count) {
        double[] c = dimensionContribution;
        return IntStream.range(0, c.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -c[i]).thenComparingInt(i -> i))
                .limit(count).mapToInt(Integer::intValue).toArray();
    }

    /** Per-dimension contributions to the mean cosine from column sums s and sums of squares q of n unit rows. */
    static double[] contributions(double[] s, double[] q, long n) {
        double[] c = new double[s.length];
        double pairs = (double) n * (n - 1);
        for (int d = 0; d < s.length; d++) {
            c[d] = (s[d] * s[d] - q[d]) / pairs;
        }
        return c;
    }

    /** IsoScore of a covariance spectrum (the variances along the principal components). */
    static double isoScore(double[] variances) {
        int n = variances.length;
        double norm = 0;
        for (double v : variances) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        double sqrtN = Math.sqrt(n);
        double defect = 0;
        for (double v : variances) {
            double e = sqrtN * v / norm - 1;
            defect += e * e;
        }
        defect = Math.sqrt(defect) / Math.sqrt(2 * (n - sqrtN));
        double phi = Math.pow(n - defect * defect * (n - sqrtN), 2) / ((double) n * n);
        return (n * phi - 1) / (n - 1);
    }

    /** A symmetric matrix's eigenvalues, largest first, and its unit eigenvectors as the columns of a d x d matrix. */
    record Eigen(double[] values, DMatrixRMaj vectors) {
        static Eigen of(DMatrixRMaj symmetric) {
            int d = symmetric.numRows;
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
            if (!eig.decompose(symmetric.copy())) {
                throw new dev.cossim.CossimException("the eigen decomposition of a " + d + " x " + d + " Gram matrix did not converge");
            }
            Integer[] order = new Integer[d];
            for (int i = 0; i < d; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> -eig.getEigenvalue(i).real));
            double[] values = new double[d];
            DMatrixRMaj vectors = new DMatrixRMaj(d, d);
            for (int c = 0; c < d; c++) {
                values[c] = eig.getEigenvalue(order[c]).real;
                DMatrixRMaj v = eig.getEigenVector(order[c]);
                double len = 0;
                for (int r = 0; r < d; r++) {
                    len += v.get(r, 0) * v.get(r, 0);
                }
                len = Math.sqrt(len);
                for (int r = 0; r < d; r++) {
                    vectors.set(r, c, v.get(r, 0) / len);
                }
            }
            return new Eigen(values, vectors);
        }

        /** The shares of the total of the (non-negative) values in the top {@code count}. */
        double[] shares(int count) {
            double total = 0;
            for (double v : values) {
                total += Math.max(0, v);
            }
            double[] s = new double[Math.min(count, values.length)];
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.max(0, values[i]) / total;
            }
            return s;
        }
    }
}
