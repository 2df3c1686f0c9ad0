package dev.cossim.compare;

import dev.cossim.ParameterException;
import dev.cossim.matrix.Selection;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.testing.Synthetic;
import dev.cossim.vocab.Vocabulary;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every measure of a comparison against a double-precision brute force on small matrices with exact ties. */
class ComparisonTest {
    private static final double EPS = 1e-9;

    /** A vocabulary of the given token strings (null: no token for that id). */
    record Tokens(String[] t) implements Vocabulary {
        public int size() {
            return t.length;
        }

        public String rawToken(int id) {
            return t[id];
        }

        public String token(int id) {
            return t[id];
        }

        public OptionalInt id(String token) {
            for (int i = 0; i < t.length; i++) {
                if (token.equals(t[i])) {
                    return OptionalInt.of(i);
                }
            }
            return OptionalInt.empty();
        }
    }

    static EmbeddingModel model(float[] m, int n, int d, Vocabulary v) {
        return new EmbeddingModel("test " + n + "x" + d, null, Synthetic.tensor(m, n, d), v);
    }

    static final int NA = 48, DA = 6, NB = 50, DB = 5;

    /** A: Gaussian rows, an exact tie (row 7 = 2 x row 3), a zero row, a token spelled twice. */
    static float[] matrixA() {
        float[] a = Synthetic.gaussian(NA, DA, 11);
        Synthetic.duplicate(a, DA, 3, 7, 2f);
        Synthetic.duplicate(a, DA, 3, 9, 1f);
        Synthetic.zeroRow(a, DA, 10);
        return a;
    }

    static String[] tokensA() {
        String[] t = new String[NA];
        for (int i = 0; i < NA; i++) {
            t[i] = "t" + i;
        }
        t[20] = "t5"; // duplicate of row 5's token: row 20 is left out
        return t;
    }

    static String[] tokensB() {
        String[] t = new String[NB];
        for (int j = 0; j < NB; j++) {
            t[j] = "t" + (j * 7 % 53); // a permutation of t0..t52 minus three: some only in A, some only in B
        }
        t[49] = t[0]; // duplicate in B: id 0 wins
        return t;
    }

    /** B: for each token t_i of A, A's row i mixed into 5 dimensions plus noise; an exact tie; a zero row. */
    static float[] matrixB(float[] a, String[] tb) {
        Random r = new Random(5);
        double[][] mix = new double[DA][DB];
        for (double[] row : mix) {
            for (int j = 0; j < DB; j++) {
                row[j] = r.nextGaussian();
            }
        }
        float[] b = new float[NB * DB];
        for (int j = 0; j < NB; j++) {
            int i = Integer.parseInt(tb[j].substring(1));
            for (int c = 0; c < DB; c++) {
                double v = 0.4 * r.nextGaussian();
                if (i < NA) {
                    for (int k = 0; k < DA; k++) {
                        v += a[i * DA + k] * mix[k][c];
                    }
                }
                b[j * DB + c] = (float) v;
            }
        }
        Synthetic.duplicate(b, DB, 12, 13, 3f);
        Synthetic.zeroRow(b, DB, 21);
        return b;
    }

    /** The alignment worked out directly: A's ids ascending, first spelling wins, unusable rows dropped. */
    static int[][] expectedAlignment(float[] a, String[] ta, float[] b, String[] tb) {
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < NA; i++) {
            boolean earlier = false;
            for (int e = 0; e < i; e++) {
                earlier |= ta[e].equals(ta[i]);
            }
            if (earlier) {
                continue;
            }
            for (int j = 0; j < NB; j++) {
                if (tb[j].equals(ta[i])) {
                    if (norm(a, DA, i) > 0 && norm(b, DB, j) > 0) {
                        pairs.add(new int[]{i, j});
                    }
                    break;
                }
            }
        }
        return new int[][]{pairs.stream().mapToInt(p -> p[0]).toArray(), pairs.stream().mapToInt(p -> p[1]).toArray()};
    }

    static double norm(float[] m, int d, int row) {
        double s = 0;
        for (int c = 0; c < d; c++) {
            s += (double) m[row * d + c] * m[row * d + c];
        }
        return Math.sqrt(s);
    }

    static double[][] rows(float[] m, int d, int[] ids) {
        double[][] x = new double[ids.length][d];
        for (int i = 0; i < ids.length; i++) {
            for (int c = 0; c < d; c++) {
                x[i][c] = m[ids[i] * d + c];
            }
        }
        return x;
    }

    static double[][] unit(double[][] x) {
        double[][] u = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (double v : x[i]) {
                s += v * v;
            }
            double len = Math.sqrt(s);
            u[i] = Arrays.stream(x[i]).map(v -> v / len).toArray();
        }
        return u;
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int c = 0; c < x.length; c++) {
            s += x[c] * y[c];
        }
        return s;
    }

    static double cos(double[] x, double[] y) {
        return dot(x, y) / Math.sqrt(dot(x, x) * dot(y, y));
    }

    /** Indices of the k nearest other rows by cosine, ties to the lower index. */
    static int[] nearest(double[][] x, int i, int k) {
        List<Integer> others = new ArrayList<>();
        for (int j = 0; j < x.length; j++) {
            if (j != i) {
                others.add(j);
            }
        }
        others.sort(Comparator.<Integer>comparingDouble(j -> -cos(x[i], x[j])).thenComparingInt(j -> j));
        return others.stream().limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** x^T y of column-centred x and y. */
    static double[][] centredCross(double[][] x, double[][] y) {
        int n = x.length;
        double[] mx = new double[x[0].length];
        double[] my = new double[y[0].length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < mx.length; c++) {
                mx[c] += x[i][c] / n;
            }
            for (int c = 0; c < my.length; c++) {
                my[c] += y[i][c] / n;
            }
        }
        double[][] g = new double[mx.length][my.length];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < mx.length; p++) {
                for (int q = 0; q < my.length; q++) {
                    g[p][q] += (x[i][p] - mx[p]) * (y[i][q] - my[q]);
                }
            }
        }
        return g;
    }

    static double frob2(double[][] g) {
        double s = 0;
        for (double[] r : g) {
            for (double v : r) {
                s += v * v;
            }
        }
        return s;
    }

    static double cka(double[][] x, double[][] y) {
        return frob2(centredCross(x, y)) / Math.sqrt(frob2(centredCross(x, x)) * frob2(centredCross(y, y)));
    }

    /** Eigenvalues (largest first) and unit eigenvectors (columns) of a symmetric matrix, through EJML's eigen solver. */
    static double[][][] eigen(double[][] s) {
        int d = s.length;
        EigenDecomposition_F64<DMatrixRMaj> e = DecompositionFactory_DDRM.eig(d, true, true);
        e.decompose(new DMatrixRMaj(s));
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> -e.getEigenvalue(i).real));
        double[][] values = new double[1][d];
        double[][] vectors = new double[d][d];
        for (int c = 0; c < d; c++) {
            values[0][c] = e.getEigenvalue(order[c]).real;
            DMatrixRMaj v = e.getEigenVector(order[c]);
            double len = Math.sqrt(org.ejml.dense.row.NormOps_DDRM.normF(v) * org.ejml.dense.row.NormOps_DDRM.normF(v));
            for (int r = 0; r < d; r++) {
                vectors[r][c] = v.get(r, 0) / len;
            }
        }
        return new double[][][]{values, vectors};
    }

    /** The isotropy measures of rows x, each computed the long way. */
    static Isotropy bruteIsotropy(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double sum = 0;
        double[] contrib = new double[d];
        double[][] u = unit(x);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    sum += dot(u[i], u[j]);
                    for (int c = 0; c < d; c++) {
                        contrib[c] += u[i][c] * u[j][c] / ((double) n * (n - 1));
                    }
                }
            }
        }
        double mean = sum / ((double) n * (n - 1));
        double[][] cov = centredCross(x, x);
        for (double[] r : cov) {
            for (int c = 0; c < d; c++) {
                r[c] /= n - 1;
            }
        }
        double[] lambda = eigen(cov)[0][0];
        double total = Arrays.stream(lambda).map(v -> Math.max(0, v)).sum();
        double[] shares = new double[Math.min(10, d)];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = Math.max(0, lambda[i]) / total;
        }
        // IsoScore, Rudman et al. 2022, steps 3-6
        double l2 = Math.sqrt(Arrays.stream(lambda).map(v -> v * v).sum());
        double defect = 0;
        for (double v : lambda) {
            defect += Math.pow(Math.sqrt(d) * v / l2 - 1, 2);
        }
        defect = Math.sqrt(defect) / Math.sqrt(2 * (d - Math.sqrt(d)));
        double phi = Math.pow(d - defect * defect * (d - Math.sqrt(d)), 2) / (d * d);
        double iso = (d * phi - 1) / (d - 1);
        // partition function over the eigenvectors of X^T X and their opposites
        double[][] wtw = new double[d][d];
        for (double[] r : x) {
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    wtw[p][q] += r[p] * r[q];
                }
            }
        }
        double[][] vec = eigen(wtw)[1];
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int c = 0; c < d; c++) {
            for (int sign : new int[]{1, -1}) {
                double z = 0;
                for (double[] r : x) {
                    double p = 0;
                    for (int k = 0; k < d; k++) {
                        p += r[k] * vec[k][c];
                    }
                    z += Math.exp(sign * p);
                }
                lo = Math.min(lo, z);
                hi = Math.max(hi, z);
            }
        }
        return new Isotropy(mean, iso, lo / hi, shares, contrib);
    }

    static void assertIsotropy(Isotropy expected, Isotropy got, double meanEps) {
        assertEquals(expected.meanCosine(), got.meanCosine(), meanEps);
        assertEquals(expected.isoScore(), got.isoScore(), 1e-9);
        assertEquals(expected.partitionRatio(), got.partitionRatio(), 1e-9);
        assertArrayEquals(expected.componentShares(), got.componentShares(), 1e-9);
        assertArrayEquals(expected.dimensionContribution(), got.dimensionContribution(), 1e-12);
        assertEquals(expected.meanCosine(), Arrays.stream(got.dimensionContribution()).sum(), 1e-12);
    }

    /** scalar: the d x d products through EJML; blas: through OpenBLAS's dsyrk/dgemm (cossim-blas is a test dependency). */
    /**
     * The products run through OpenBLAS with its kernel, and with auto whatever kernel auto took for the top-k passes
     * (it passes over OpenBLAS's narrower kernels for tiles, not for these); an explicit other kernel keeps EJML.
     */
    @Test
    void productsThroughOpenBlasWithItsKernelOrAuto() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"), "OpenBLAS binaries are shipped for linux-x86_64 only");
        assertEquals(Products.BLAS, Products.forKernel("blas", false));
        assertEquals(Products.BLAS, Products.forKernel("blas", true));
        assertEquals(Products.BLAS, Products.forKernel("vector", true));
        assertEquals(Products.EJML, Products.forKernel("vector", false));
        assertEquals(Products.EJML, Products.forKernel("scalar", false));
        assertEquals(1, dev.cossim.blas.OpenBlas.get().threads(), "one OpenBLAS thread per call");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "blas"})
    void everyMeasureEqualsBruteForceWithTokenAlignmentAndMissingRows(String kernel) {
        float[] a = matrixA();
        String[] ta = tokensA();
        String[] tb = tokensB();
        float[] b = matrixB(a, tb);
        ComparisonResult r = Comparison.of(model(a, NA, DA, new Tokens(ta)), model(b, NB, DB, new Tokens(tb)))
                .k(5, 1, 3).samplePairs(3000, 7).threads(2).kernel(kernel).run();
        assertEquals(kernel, r.kernel());

        int[][] al = expectedAlignment(a, ta, b, tb);
        Alignment got = r.alignment();
        assertEquals("token", got.by());
        assertArrayEquals(al[0], got.idsA());
        assertArrayEquals(al[1], got.idsB());
        assertEquals(1, got.duplicatesA());
        assertEquals(1, got.duplicatesB());
        assertEquals(2, got.unusable()); // A's zero row 10 and the row of A paired with B's zero row 21
        // tokens of A not in B: t_i with i*... counted directly
        long onlyA = 0;
        for (int i = 0; i < NA; i++) {
            if (i != 20 && !Arrays.asList(tb).contains(ta[i])) {
                onlyA++;
            }
        }
        assertEquals(onlyA, got.onlyA());
        assertEquals(NB - 1 - (got.size() + got.unusable()), got.onlyB());

        double[][] xa = rows(a, DA, al[0]);
        double[][] xb = rows(b, DB, al[1]);
        int n = xa.length;
        assertEquals(List.of(1, 3, 5), r.overlaps().stream().map(ComparisonResult.Overlap::k).toList());
        for (ComparisonResult.Overlap o : r.overlaps()) {
            long[] hist = new long[o.k() + 1];
            long total = 0;
            for (int i = 0; i < n; i++) {
                int[] na = nearest(xa, i, o.k());
                int[] nb = nearest(xb, i, o.k());
                int c = (int) Arrays.stream(na).filter(j -> Arrays.stream(nb).anyMatch(q -> q == j)).count();
                assertEquals(c, o.perRow()[i], "overlap at k=" + o.k() + " of aligned row " + i);
                hist[c]++;
                total += c;
            }
            assertArrayEquals(hist, o.histogram());
            assertEquals((double) total / n, o.mean(), EPS);
        }

        assertEquals(cka(xa, xb), r.ckaRaw(), EPS);
        assertEquals(cka(unit(xa), unit(xb)), r.ckaUnit(), EPS);

        ComparisonResult.SampledSimilarities s = r.similarities();
        assertEquals(3000, s.count());
        double[] ca = new double[s.count()];
        double[] cb = new double[s.count()];
        for (int p = 0; p < s.count(); p++) {
            assertTrue(s.rowI()[p] != s.rowJ()[p]);
            ca[p] = cos(xa[s.rowI()[p]], xa[s.rowJ()[p]]);
            cb[p] = cos(xb[s.rowI()[p]], xb[s.rowJ()[p]]);
        }
        assertArrayEquals(ca, s.a(), 1e-12);
        assertArrayEquals(cb, s.b(), 1e-12);
        assertEquals(pearson(countingRanks(s.a()), countingRanks(s.b())), s.spearman(), 1e-12);
        assertEquals(pearson(s.a(), s.b()), s.pearson(), 1e-12);

        checkProcrustes(unit(xa), unit(xb), r.procrustes());
        assertIsotropy(bruteIsotropy(xa), r.isotropyA(), 1e-6);
        assertIsotropy(bruteIsotropy(xb), r.isotropyB(), 1e-6);
        assertNull(r.transformedA());
    }

    /** R is (semi-)orthogonal, the per-row residuals are the padded ones, and no other orthogonal map does better. */
    static void checkProcrustes(double[][] ua, double[][] ub, ComparisonResult.Procrustes p) {
        double[][] rot = p.rotation();
        int dA = ua[0].length;
        int dB = ub[0].length;
        int m = Math.min(dA, dB);
        // R^T R = I (d_A >= d_B) or R R^T = I (d_A < d_B)
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < (dA >= dB ? dA : dB); k++) {
                    s += dA >= dB ? rot[k][i] * rot[k][j] : rot[i][k] * rot[j][k];
                }
                assertEquals(i == j ? 1 : 0, s, 1e-9);
            }
        }
        double total = 0;
        for (int i = 0; i < ua.length; i++) {
            double[] mapped = new double[dB];
            for (int c = 0; c < dB; c++) {
                for (int k = 0; k < dA; k++) {
                    mapped[c] += ua[i][k] * rot[k][c];
                }
            }
            // padded residual^2 = ||u_a R - u_b||^2 + (1 - ||u_a R||^2)
            double e2 = 1 - dot(mapped, mapped);
            for (int c = 0; c < dB; c++) {
                e2 += (mapped[c] - ub[i][c]) * (mapped[c] - ub[i][c]);
            }
            assertEquals(e2, p.perRow()[i] * p.perRow()[i], 1e-12); // squares: sqrt magnifies rounding near 0
            total += e2;
        }
        assertEquals(total, p.residual(), 1e-9);
        assertEquals(total / ua.length, p.relativeResidual(), 1e-12);
        // the optimum is 2n - 2 * (nuclear norm of U_A^T U_B): the square roots of the eigenvalues of M^T M
        double[][] mt = new double[dA][dB];
        for (int i = 0; i < ua.length; i++) {
            for (int k = 0; k < dA; k++) {
                for (int c = 0; c < dB; c++) {
                    mt[k][c] += ua[i][k] * ub[i][c];
                }
            }
        }
        double[][] mtm = new double[dB][dB];
        for (int x = 0; x < dB; x++) {
            for (int y = 0; y < dB; y++) {
                for (int k = 0; k < dA; k++) {
                    mtm[x][y] += mt[k][x] * mt[k][y];
                }
            }
        }
        double nuclear = Arrays.stream(eigen(mtm)[0][0]).map(v -> Math.sqrt(Math.max(0, v))).sum();
        assertEquals(2 * ua.length - 2 * nuclear, p.residual(), 1e-8);
    }

    /** Ranks by counting: below + (equal + 1) / 2, the mean rank of a tie group. */
    static double[] countingRanks(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int below = 0;
            int equal = 0;
            for (double w : v) {
                below += w < v[i] ? 1 : 0;
                equal += w == v[i] ? 1 : 0;
            }
            r[i] = below + (equal + 1) / 2.0;
        }
        return r;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void byIdWithoutVocabulariesCountsRowsOnlyOneSideHasAndRecoversARotation() {
        int n = 30;
        int d = 4;
        float[] a = Synthetic.gaussian(n, d, 3);
        Synthetic.duplicate(a, d, 2, 5, 1f);
        // B = A Q (25 rows) for a rotation Q in the plane of dimensions 0 and 1 (exact in float for 3-4-5)
        double[][] q = {{0.6, 0.8, 0, 0}, {-0.8, 0.6, 0, 0}, {0, 0, 0, 1}, {0, 0, 1, 0}};
        int nb = 25;
        float[] b = new float[nb * d];
        for (int i = 0; i < nb; i++) {
            for (int c = 0; c < d; c++) {
                double v = 0;
                for (int k = 0; k < d; k++) {
                    v += a[i * d + k] * q[k][c];
                }
                b[i * d + c] = (float) v;
            }
        }
        ComparisonResult r = Comparison.of(model(a, n, d, Vocabulary.none()), model(b, nb, d, Vocabulary.none()))
                .k(3).samplePairs(500, 1).threads(1).run();
        assertEquals("id", r.alignment().by());
        assertEquals(25, r.rows());
        assertEquals(5, r.alignment().onlyA());
        assertEquals(0, r.alignment().onlyB());
        assertEquals(3.0, r.overlaps().getFirst().mean(), 1e-12); // a rotation keeps every neighbour
        assertEquals(1.0, r.ckaUnit(), 1e-9);
        assertEquals(1.0, r.similarities().spearman(), 1e-12);
        assertEquals(0, r.procrustes().residual(), 1e-9);
        for (int k = 0; k < d; k++) {
            assertArrayEquals(q[k], r.procrustes().rotation()[k], 1e-6);
        }
        double[][] xa = rows(a, d, java.util.stream.IntStream.range(0, nb).toArray());
        checkProcrustes(unit(xa), unit(rows(b, d, java.util.stream.IntStream.range(0, nb).toArray())), r.procrustes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "blas"})
    void centringAndRemovingTopComponentsMatchTheTransformedRowsDoneByHand(String kernel) {
        float[] a = matrixA();
        float[] b = matrixB(a, tokensB());
        EmbeddingModel ma = model(a, NA, DA, Vocabulary.none());
        EmbeddingModel mb = model(b, NB, DB, Vocabulary.none());
        for (int top : new int[]{0, 2}) {
            ComparisonResult r = Comparison.of(ma, mb).center(true).removeTopPcs(top).k(2).threads(2).kernel(kernel).run();
            int[] ids = r.alignment().idsA();
            assertTransformed(rows(a, DA, ids), top, r.transformedA());
            assertTransformed(rows(b, DB, r.alignment().idsB()), top, r.transformedB());
        }
    }

    static void assertTransformed(double[][] x, int top, Isotropy got) {
        int n = x.length;
        int d = x[0].length;
        double[][] cov = centredCross(x, x);
        double[][] pcs = eigen(cov)[1];
        double[] mean = new double[d];
        for (double[] r : x) {
            for (int c = 0; c < d; c++) {
                mean[c] += r[c] / n;
            }
        }
        double[][] y = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                y[i][c] = x[i][c] - mean[c];
            }
            for (int j = 0; j < top; j++) {
                double p = 0;
                for (int c = 0; c < d; c++) {
                    p += y[i][c] * pcs[c][j];
                }
                for (int c = 0; c < d; c++) {
                    y[i][c] -= p * pcs[c][j];
                }
            }
        }
        Isotropy e = bruteIsotropy(y);
        assertEquals(e.meanCosine(), got.meanCosine(), 1e-12);
        assertEquals(e.isoScore(), got.isoScore(), 1e-6); // the removed directions' variance is ~1e-16, not 0
        assertEquals(e.partitionRatio(), got.partitionRatio(), 1e-9);
        assertArrayEquals(e.componentShares(), got.componentShares(), 1e-9);
        assertArrayEquals(e.dimensionContribution(), got.dimensionContribution(), 1e-12);
    }

    @Test
    void isoScoreIsOneForAnIsotropicCloudAndZeroOnALine() {
        // +-e1, +-e2, +-e3: covariance a multiple of I
        float[] iso = {1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1};
        // points on one line through the origin, in 3 dimensions
        float[] line = {1, 2, 3, 2, 4, 6, -1, -2, -3, 3, 6, 9, -2, -4, -6, 0.5f, 1, 1.5f};
        EmbeddingModel mi = model(iso, 6, 3, Vocabulary.none());
        EmbeddingModel ml = model(line, 6, 3, Vocabulary.none());
        ComparisonResult r = Comparison.of(mi, ml).k(1).samplePairs(0, 0).threads(1).run();
        assertEquals(1.0, r.isotropyA().isoScore(), 1e-12);
        assertEquals(0.0, r.isotropyB().isoScore(), 1e-9);
        // +-e_i: the mean cosine of all 30 ordered pairs is 3 * 2 * (-1) / 30
        assertEquals(-0.2, r.isotropyA().meanCosine(), 1e-7);
        assertEquals(1.0, r.isotropyA().topShare(3), 1e-12);
        assertEquals(1.0, r.isotropyB().topShare(1), 1e-12);
        assertNull(r.similarities());
    }

    @Test
    void badRequestsNameTheParameter() {
        EmbeddingModel m = model(Synthetic.gaussian(5, 3, 1), 5, 3, Vocabulary.none());
        assertEquals("k", assertThrows(ParameterException.class, () -> Comparison.of(m, m).k(5).run()).parameter());
        assertEquals("k", assertThrows(ParameterException.class, () -> Comparison.of(m, m).k(0).validate()).parameter());
        assertEquals("remove-top-pcs", assertThrows(ParameterException.class, () -> Comparison.of(m, m).removeTopPcs(3).validate()).parameter());
        assertEquals("sample-pairs", assertThrows(ParameterException.class, () -> Comparison.of(m, m).samplePairs(-1, 0).validate()).parameter());
        EmbeddingModel other = model(Synthetic.gaussian(5, 3, 1), 5, 3, new Tokens(new String[]{"a", "b", "c", "d", "e"}));
        EmbeddingModel none = model(Synthetic.gaussian(5, 3, 1), 5, 3, new Tokens(new String[]{"v", "w", "x", "y", "z"}));
        assertTrue(assertThrows(dev.cossim.CossimException.class, () -> Comparison.of(other, none).run()).getMessage()
                .contains("share 0 usable row(s) (aligned by token; 5 only in A, 5 only in B"));
        // a selection of A's rows: the comparison runs on those only, and A with itself agrees on every neighbour
        ComparisonResult self = Comparison.of(m, m).rows(Selection.parse("rows=0-2", "rows")).k(1).samplePairs(10, 1).run();
        assertEquals(3, self.rows());
        assertEquals(2, self.alignment().onlyB());
        assertArrayEquals(new long[]{0, 3}, self.overlaps().getFirst().histogram());
    }
}
