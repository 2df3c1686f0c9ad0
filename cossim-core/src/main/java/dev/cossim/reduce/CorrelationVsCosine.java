package dev.cossim.reduce;

import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.source.Tensor;

import java.util.Arrays;
import dev.cossim.results.SampledPairs;
import dev.cossim.results.LargestDifference;

/**
 * Correlation and cosine of every pair in one pass (the seed's Part 5). The engine runs on mean-centred unit rows, so
 * each tile holds Pearson correlations r; cosine follows exactly from r and two numbers per row: with x' = x - mean(x)
 * and d dimensions, {@code cos(x, y) = a_x a_y r + b_x b_y}, where {@code a = |x'| / |x|} and
 * {@code b = sqrt(d) mean(x) / |x|} (because x'.1 = 0). Its error stays that of r (a <= 1), no second kernel call.
 *
 * <p>Both series get the exact summary of {@link PairStatistics} and {@link Histogram} over all pairs, plus their
 * covariance (so the Pearson correlation between cosine and correlation across pairs) and the pair where they differ
 * most. A seeded uniform sample of pairs for a scatter plot keeps the pairs with the smallest hash of (seed, i, j):
 * exactly {@code min(sampleSize, pairs)} pairs, the same for any split of the tiles.
 */
public final class CorrelationVsCosine implements TileReducer<CorrelationVsCosine> {
    private final int[] ids;
    private final double[] a;
    private final double[] b;
    private final long seed;
    private final int sampleSize;
    private final Histogram corrHistogram;
    private final Histogram cosHistogram;
    private final PairStatistics corrStatistics;
    private final PairStatistics cosStatistics;
    private long n;
    private double meanCos, meanCorr, coMoment;
    private float maxDiff = -1;
    private int maxDiffI = -1, maxDiffJ = -1;
    private float maxDiffCos, maxDiffCorr;
    // Bottom-k sample: a max-heap on hash, so the root is the first to be replaced.
    private final long[] sHash;
    private final int[] sI, sJ;
    private final float[] sCos, sCorr;
    private int sSize;
    private transient Tile cosTile;

    /**
     * @param rows       the rows prepared with {@link Normalization#CENTRED_UNIT}
     * @param a          per packed row, |x'| / |x|; see {@link #rowFactors}
     * @param b          per packed row, sqrt(d) mean(x) / |x|
     * @param bins       histogram bins over [-1, 1] for each series
     * @param sampleSize pairs to sample for a scatter plot
     */
    public CorrelationVsCosine(int[] ids, double[] a, double[] b, int bins, int sampleSize, long seed) {
        if (a.length != ids.length || b.length != ids.length || sampleSize < 0) {
            throw new IllegalArgumentException("one factor per row and a sample size >= 0 are needed");
        }
        this.ids = ids;
        this.a = a;
        this.b = b;
        this.seed = seed;
        this.sampleSize = sampleSize;
        this.corrHistogram = new Histogram(-1, 1, bins);
        this.cosHistogram = new Histogram(-1, 1, bins);
        this.corrStatistics = new PairStatistics(ids);
        this.cosStatistics = new PairStatistics(ids);
        this.sHash = new long[sampleSize];
        this.sI = new int[sampleSize];
        this.sJ = new int[sampleSize];
        this.sCos = new float[sampleSize];
        this.sCorr = new float[sampleSize];
    }

    /** The per-row factors {a, b} for the rows of a centred matrix, from the raw tensor in double. */
    public static double[][] rowFactors(Tensor t, RowMatrix centred) {
        if (centred.normalization() != Normalization.CENTRED_UNIT) {
            throw new IllegalArgumentException("the rows must be mean-centred unit rows");
        }
        int d = (int) t.rowLength();
        int n = centred.size();
        double[] a = new double[n], b = new double[n];
        java.util.stream.IntStream.range(0, n).parallel().forEach(r -> {
            double[] x = t.rowAsDoubles(centred.id(r));
            double sum = 0, ss = 0;
            for (double v : x) {
                sum += v;
                ss += v * v;
            }
            double mean = sum / d;
            double cs = 0;
            for (double v : x) {
                cs += (v - mean) * (v - mean);
            }
            double norm = Math.sqrt(ss);
            a[r] = Math.sqrt(cs) / norm;
            b[r] = Math.sqrt(d) * mean / norm;
        });
        return new double[][]{a, b};
    }

    @Override
    public void accept(Tile t) {
        long tn = t.pairCount();
        if (tn == 0) {
            return;
        }
        if (cosTile == null || cosTile.values.length < t.rows * t.cols) {
            cosTile = new Tile(t.values.length);
        }
        Tile c = cosTile;
        c.rowStart = t.rowStart;
        c.rows = t.rows;
        c.colStart = t.colStart;
        c.cols = t.cols;
        c.diagonal = t.diagonal;
        final float[] r = t.values;
        final float[] cv = c.values;
        double sumC = 0, sumR = 0;
        for (int i = 0; i < t.rows; i++) {
            int ri = t.rowStart + i;
            double ai = a[ri], bi = b[ri];
            int base = i * t.cols;
            for (int j = t.firstCol(i); j < t.cols; j++) {
                int rj = t.colStart + j;
                float cos = (float) (ai * a[rj] * r[base + j] + bi * b[rj]);
                cv[base + j] = cos;
                sumC += cos;
                sumR += r[base + j];
            }
        }
        double mC = sumC / tn, mR = sumR / tn, co = 0;
        for (int i = 0; i < t.rows; i++) {
            int base = i * t.cols;
            int idI = ids[t.rowStart + i];
            for (int j = t.firstCol(i); j < t.cols; j++) {
                float cos = cv[base + j], corr = r[base + j];
                co += (cos - mC) * (corr - mR);
                float diff = Math.abs(cos - corr);
                int idJ = ids[t.colStart + j];
                if (diff >= maxDiff) {
                    offerDiff(diff, idI, idJ, cos, corr);
                }
                if (sampleSize > 0) {
                    long h = hash(seed, Math.min(idI, idJ), Math.max(idI, idJ));
                    if (sSize < sampleSize || h < sHash[0]) {
                        offerSample(h, Math.min(idI, idJ), Math.max(idI, idJ), cos, corr);
                    }
                }
            }
        }
        combine(tn, mC, mR, co);
        corrHistogram.accept(t);
        corrStatistics.accept(t);
        cosHistogram.accept(c);
        cosStatistics.accept(c);
    }

    private void combine(long nB, double meanCB, double meanRB, double coB) {
        long nAB = n + nB;
        double dC = meanCB - meanCos, dR = meanRB - meanCorr;
        coMoment += coB + dC * dR * ((double) n * nB / nAB);
        meanCos += dC * nB / nAB;
        meanCorr += dR * nB / nAB;
        n = nAB;
    }

    private void offerDiff(float diff, int i, int j, float cos, float corr) {
        int lo = Math.min(i, j), hi = Math.max(i, j);
        if (diff > maxDiff || (diff == maxDiff && (maxDiffI < 0 || lo < maxDiffI || (lo == maxDiffI && hi < maxDiffJ)))) {
            maxDiff = diff;
            maxDiffI = lo;
            maxDiffJ = hi;
            maxDiffCos = cos;
            maxDiffCorr = corr;
        }
    }

    /** splitmix64 of (seed, i, j): a pair's sampling priority, independent of where it was computed. */
    static long hash(long seed, int i, int j) {
        long z = seed * 0x9E3779B97F4A7C15L + (((long) i << 32) | (j & 0xffffffffL));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return z >>> 1; // non-negative, so signed comparison orders it
    }

    private void offerSample(long h, int i, int j, float cos, float corr) {
        int pos;
        if (sSize < sampleSize) {
            pos = sSize++;
            while (pos > 0) {
                int p = (pos - 1) / 2;
                if (sHash[p] >= h) {
                    break;
                }
                moveSample(p, pos);
                pos = p;
            }
        } else {
            if (h >= sHash[0]) {
                return;
            }
            pos = 0;
            while (true) {
                int c = 2 * pos + 1;
                if (c >= sSize) {
                    break;
                }
                if (c + 1 < sSize && sHash[c + 1] > sHash[c]) {
                    c++;
                }
                if (sHash[c] <= h) {
                    break;
                }
                moveSample(c, pos);
                pos = c;
            }
        }
        sHash[pos] = h;
        sI[pos] = i;
        sJ[pos] = j;
        sCos[pos] = cos;
        sCorr[pos] = corr;
    }

    private void moveSample(int from, int to) {
        sHash[to] = sHash[from];
        sI[to] = sI[from];
        sJ[to] = sJ[from];
        sCos[to] = sCos[from];
        sCorr[to] = sCorr[from];
    }

    @Override
    public void merge(CorrelationVsCosine o) {
        if (o.ids.length != ids.length || o.seed != seed || o.sampleSize != sampleSize) {
            throw new IllegalArgumentException("correlation-vs-cosine reducers of different settings cannot merge");
        }
        if (o.n > 0) {
            combine(o.n, o.meanCos, o.meanCorr, o.coMoment);
        }
        if (o.maxDiffI >= 0) {
            offerDiff(o.maxDiff, o.maxDiffI, o.maxDiffJ, o.maxDiffCos, o.maxDiffCorr);
        }
        for (int q = 0; q < o.sSize; q++) {
            offerSample(o.sHash[q], o.sI[q], o.sJ[q], o.sCos[q], o.sCorr[q]);
        }
        corrHistogram.merge(o.corrHistogram);
        cosHistogram.merge(o.cosHistogram);
        corrStatistics.merge(o.corrStatistics);
        cosStatistics.merge(o.cosStatistics);
    }

    public long count() {
        return n;
    }

    public PairStatistics cosineStatistics() {
        return cosStatistics;
    }

    public PairStatistics correlationStatistics() {
        return corrStatistics;
    }

    public Histogram cosineHistogram() {
        return cosHistogram;
    }

    public Histogram correlationHistogram() {
        return corrHistogram;
    }

    /** Population covariance of cosine and correlation over all pairs. */
    public double covariance() {
        return n == 0 ? Double.NaN : coMoment / n;
    }

    /** Pearson correlation between the cosine and the correlation values across all pairs. */
    public double agreement() {
        double sc = cosStatistics.std(), sr = corrStatistics.std();
        return covariance() / (sc * sr);
    }

    /** The pair where |cosine - correlation| is largest (ties: lower ids). */
    public LargestDifference largestDifference() {
        return new LargestDifference(maxDiffI, maxDiffJ, maxDiffCos, maxDiffCorr);
    }

    /** The sampled pairs ordered by (i, j): parallel arrays of ids, cosines and correlations. */
    public SampledPairs sample() {
        Integer[] order = new Integer[sSize];
        Arrays.setAll(order, q -> q);
        Arrays.sort(order, (x, y) -> sI[x] != sI[y] ? Integer.compare(sI[x], sI[y]) : Integer.compare(sJ[x], sJ[y]));
        int[] i = new int[sSize], j = new int[sSize];
        float[] cos = new float[sSize], corr = new float[sSize];
        for (int q = 0; q < sSize; q++) {
            int p = order[q];
            i[q] = sI[p];
            j[q] = sJ[p];
            cos[q] = sCos[p];
            corr[q] = sCorr[p];
        }
        return new SampledPairs(i, j, cos, corr);
    }

    public long seed() {
        return seed;
    }


}
