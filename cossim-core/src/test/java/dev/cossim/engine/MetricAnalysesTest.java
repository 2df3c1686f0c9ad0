package dev.cossim.engine;

import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.matrix.Selection;
import dev.cossim.reduce.NearDuplicates;
import dev.cossim.reduce.PairStatistics;
import dev.cossim.reduce.RowSimilarity;
import dev.cossim.reduce.SummaryReducer;
import dev.cossim.reduce.TopKNeighbors;
import dev.cossim.reduce.TopPairs;
import dev.cossim.source.Tensor;
import dev.cossim.testing.MetricReference;
import dev.cossim.testing.Synthetic;
import dev.cossim.vocab.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.cossim.results.Pair;
import dev.cossim.results.Neighbors;
import dev.cossim.results.Group;
import dev.cossim.analysis.ProgressListener;

/**
 * Every metric, within a selection and across two (A x B), through the engine and the analysis reducers, against the
 * double-precision {@link MetricReference}: statistics, top-k, top pairs, near-duplicate groups and per-row values.
 */
class MetricAnalysesTest {
    static final int N = 150, D = 24;

    static float[] data() {
        float[] m = Synthetic.gaussian(N, D, 77);
        Synthetic.duplicate(m, D, 4, 9, 1f);   // exact near-copies form groups
        Synthetic.duplicate(m, D, 4, 120, 1f);
        Synthetic.duplicate(m, D, 30, 31, 1f);
        Synthetic.zeroRow(m, D, 17);          // excluded, never a NaN
        return m;
    }

    /** Tolerance on a metric's values: float32 rows and kernels against double. */
    static double tol(Metric metric, MetricReference ref) {
        double scale = Math.max(Math.abs(ref.min()), Math.abs(ref.max()));
        return metric == Metric.COSINE || metric == Metric.CORRELATION ? 2e-6 : 2e-5 * scale;
    }

    static PairSet pairs(Tensor t, Metric metric, int[] a, int[] b) {
        RowMatrix ra = RowMatrix.of(t, metric.normalization(), a);
        return b == null ? PairSet.within(ra) : PairSet.cross(ra, RowMatrix.of(t, metric.normalization(), b));
    }

    @ParameterizedTest(name = "{0} cross={1} block={2}")
    @CsvSource({
            "COSINE, false, 16", "COSINE, true, 7",
            "CORRELATION, false, 32", "CORRELATION, true, 16",
            "DOT, false, 16", "DOT, true, 5",
            "EUCLIDEAN, false, 16", "EUCLIDEAN, true, 9",
    })
    void everyReducerMatchesTheReference(Metric metric, boolean cross, int block) {
        float[] m = data();
        Tensor t = Synthetic.tensor(m, N, D);
        // A: every second row from 2 (a stride), B: the rest of rows 0..139 (disjoint), as a rectangular run.
        int[] a = new Selection("2-149", null, 2, 0, 0).apply(N, Vocabulary.none());
        int[] b = cross ? Arrays.stream(new Selection("0-139", null, 1, 0, 0).apply(N, Vocabulary.none()))
                .filter(x -> Arrays.binarySearch(a, x) < 0).toArray() : null;
        MetricReference ref = cross ? MetricReference.cross(m, D, metric, a, b) : MetricReference.within(m, D, metric, a);
        PairSet ps = pairs(t, metric, a, b);
        assertEquals(ref.count(), ps.count());
        int[] ids = ps.rows().ids();
        AllPairsEngine engine = new AllPairsEngine(metric.kernel(new VectorTileKernel()), 2, block);
        double eps = tol(metric, ref);
        boolean low = metric.smallerIsCloser();

        double[] range = metric.bounds(ps.rows());
        assertTrue(range[0] <= ref.min() && ref.max() <= range[1], "bounds hold every value");
        SummaryReducer s = ps.run(engine, () -> new SummaryReducer(ids, 100, range[0], range[1], 3, low), ProgressListener.NONE);
        PairStatistics st = s.statistics();
        assertEquals(ref.count(), st.count());
        assertEquals(ref.count(), s.histogram().total());
        assertEquals(ref.mean(), st.mean(), eps);
        assertEquals(ref.std(), st.std(), eps);
        assertEquals(ref.max(), st.max().similarity(), eps);
        assertEquals(ref.min(), st.min().similarity(), eps);
        assertEquals(ref.value(st.max().i(), st.max().j()), st.max().similarity(), eps);

        // Top-k: nearest neighbours are the smallest distances for Euclidean.
        for (int r = 0; r < ps.rows().size(); r++) {
            Neighbors nb = s.topK().neighbors(r);
            double[] want = Arrays.stream(ref.pi).toArray().length == 0 ? new double[0] : partnersSorted(ref, nb.id(), low);
            for (int q = 0; q < nb.ids().length; q++) {
                assertEquals(want[q], nb.similarities()[q], eps, "rank " + q + " of row " + nb.id());
                assertEquals(ref.value(nb.id(), nb.ids()[q]), nb.similarities()[q], eps);
            }
        }

        // Top pairs, both directions.
        for (boolean smallest : new boolean[]{false, true}) {
            TopPairs tp = ps.run(engine, () -> new TopPairs(ids, 25, smallest), ProgressListener.NONE);
            Pair[] got = tp.pairs();
            int[] want = ref.ranked(smallest);
            assertEquals(25, got.length);
            for (int q = 0; q < got.length; q++) {
                assertEquals(ref.pv[want[q]], got[q].similarity(), eps, "top pair " + q);
                assertEquals(ref.value(got[q].i(), got[q].j()), got[q].similarity(), eps);
                assertTrue(got[q].i() < got[q].j());
            }
        }

        // Near-duplicate groups at a threshold a clear margin away from every value.
        double th = threshold(ref, low, eps);
        NearDuplicates nd = ps.run(engine, () -> new NearDuplicates(ids, th, low, 1_000_000), ProgressListener.NONE);
        assertEquals(ref.countQualifying(th, low), nd.count());
        List<int[]> wantGroups = ref.groups(th, low);
        List<Group> gotGroups = nd.groups();
        assertEquals(wantGroups.size(), gotGroups.size());
        for (int g = 0; g < wantGroups.size(); g++) {
            assertArrayEquals(wantGroups.get(g), gotGroups.get(g).ids(), "group " + g);
        }
        assertEquals(nd.count(), gotGroups.stream().mapToLong(Group::pairs).sum());

        // Per-row mean and hubness.
        RowSimilarity rs = ps.run(engine, () -> new RowSimilarity(ids.length, th, low), ProgressListener.NONE);
        for (int r = 0; r < ids.length; r++) {
            assertEquals(ps.partners(r), rs.count(r));
            assertEquals(ref.rowMean(ids[r]), rs.mean(r), eps, "row mean of " + ids[r]);
            assertEquals(ref.rowHubness(ids[r], th, low), rs.hubness(r), "hubness of " + ids[r]);
        }
    }

    /** A threshold that qualifies about 3% of pairs and stays clear of every value by more than float error. */
    static double threshold(MetricReference ref, boolean low, double eps) {
        int[] order = ref.ranked(low);
        int q = Math.max(1, order.length / 30);
        double t = (ref.pv[order[q]] + ref.pv[order[q + 1]]) / 2;
        while (ref.margin(t) <= 10 * eps) {
            q++;
            t = (ref.pv[order[q]] + ref.pv[order[q + 1]]) / 2;
        }
        return t;
    }

    static double[] partnersSorted(MetricReference ref, int id, boolean low) {
        return java.util.stream.IntStream.range(0, ref.pv.length).filter(q -> ref.pi[q] == id || ref.pj[q] == id)
                .mapToDouble(q -> ref.pv[q]).map(v -> low ? v : -v).sorted().map(v -> low ? v : -v).toArray();
    }

    /** Integer vectors and the dot metric: every value is exact in float32, so ties are real and must break by id. */
    @Test
    void exactTiesInTopPairsAndGroupsBreakByLowerIds() {
        int n = 60, d = 5;
        float[] m = new float[n * d];
        java.util.Random r = new java.util.Random(3);
        for (int q = 0; q < m.length; q++) {
            m[q] = r.nextInt(3);
        }
        Synthetic.zeroRow(m, d, 0);
        Tensor t = Synthetic.tensor(m, n, d);
        int[] all = java.util.stream.IntStream.range(0, n).toArray();
        MetricReference ref = MetricReference.within(m, d, Metric.DOT, all);
        PairSet ps = PairSet.within(RowMatrix.of(t, Metric.DOT.normalization()));
        int[] ids = ps.rows().ids();
        for (int threads : new int[]{1, 3}) {
            AllPairsEngine engine = new AllPairsEngine(new VectorTileKernel(), threads, 7);
            for (boolean smallest : new boolean[]{false, true}) {
                Pair[] got = ps.run(engine, () -> new TopPairs(ids, 40, smallest), ProgressListener.NONE).pairs();
                int[] want = ref.ranked(smallest);
                for (int q = 0; q < got.length; q++) {
                    assertEquals(ref.pi[want[q]], got[q].i(), "top pair " + q);
                    assertEquals(ref.pj[want[q]], got[q].j(), "top pair " + q);
                    assertEquals(ref.pv[want[q]], got[q].similarity(), 0);
                }
            }
            // The threshold equals an attained value: >= includes the ties exactly.
            double th = ref.pv[ref.ranked(false)[200]];
            NearDuplicates nd = ps.run(engine, () -> new NearDuplicates(ids, th, false, 1 << 20), ProgressListener.NONE);
            assertEquals(ref.countQualifying(th, false), nd.count());
            List<int[]> want = ref.groups(th, false);
            assertEquals(want.size(), nd.groups().size());
            for (int g = 0; g < want.size(); g++) {
                assertArrayEquals(want.get(g), nd.groups().get(g).ids());
            }
            Pair[] pairs = nd.pairs();
            assertEquals(nd.count(), pairs.length);
            int[] order = ref.ranked(false);
            for (int q = 0; q < pairs.length; q++) {
                assertEquals(ref.pi[order[q]], pairs[q].i());
                assertEquals(ref.pj[order[q]], pairs[q].j());
            }
        }
    }

    @Test
    void nearDuplicatesOverTheLimitCountExactlyAndRefuseWithAHint() {
        float[] m = data();
        PairSet ps = PairSet.within(RowMatrix.of(Synthetic.tensor(m, N, D), Metric.COSINE.normalization()));
        int[] ids = ps.rows().ids();
        MetricReference ref = MetricReference.within(m, D, Metric.COSINE, java.util.stream.IntStream.range(0, N).toArray());
        NearDuplicates nd = ps.run(new AllPairsEngine(new VectorTileKernel(), 2, 16),
                () -> new NearDuplicates(ids, 0.3, false, 10), ProgressListener.NONE);
        assertEquals(ref.countQualifying(0.3, false), nd.count());
        assertTrue(nd.count() > 10);
        var e = assertThrows(dev.cossim.CossimException.class, nd::groups);
        assertTrue(e.getMessage().startsWith("max-pairs 10: "), e.getMessage()); // the CLI: "--max-pairs" (AnalysisCommandsTest)
        assertTrue(e.getMessage().contains(String.format(java.util.Locale.ROOT, "%,d", nd.count())), e.getMessage());
    }
}
