package dev.cossim.reduce;

import dev.cossim.engine.AllPairsEngine;
import dev.cossim.engine.PairSet;
import dev.cossim.analysis.ProgressListener;
import dev.cossim.kernel.VectorTileKernel;
import dev.cossim.matrix.Metric;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.testing.Synthetic;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The new reducers survive Java serialization (as Spark ships partial results) and merge afterwards. */
class SerializableReducersTest {
    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T x) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(x);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void partialResultsRoundTripAndMerge() throws Exception {
        int n = 120, d = 12;
        float[] m = Synthetic.gaussian(n, d, 8);
        Synthetic.duplicate(m, d, 3, 50, 1f);
        PairSet ps = PairSet.within(RowMatrix.of(Synthetic.tensor(m, n, d), Metric.COSINE.normalization()));
        int[] ids = ps.rows().ids();
        AllPairsEngine e = new AllPairsEngine(new VectorTileKernel(), 2, 16);

        NearDuplicates nd = ps.run(e, () -> new NearDuplicates(ids, 0.6, false, 1 << 20), ProgressListener.NONE);
        NearDuplicates merged = new NearDuplicates(ids, 0.6, false, 1 << 20);
        merged.merge(roundTrip(nd));
        assertEquals(nd.count(), merged.count());
        assertEquals(nd.groups().size(), merged.groups().size());
        for (int g = 0; g < nd.groups().size(); g++) {
            assertArrayEquals(nd.groups().get(g).ids(), merged.groups().get(g).ids());
        }

        TopPairs tp = ps.run(e, () -> new TopPairs(ids, 10, false), ProgressListener.NONE);
        TopPairs tp2 = new TopPairs(ids, 10, false);
        tp2.merge(roundTrip(tp));
        assertArrayEquals(tp.pairs(), tp2.pairs());

        RowSimilarity rs = ps.run(e, () -> new RowSimilarity(ids.length, 0.5, false), ProgressListener.NONE);
        RowSimilarity rs2 = roundTrip(rs);
        for (int r = 0; r < ids.length; r++) {
            assertEquals(rs.mean(r), rs2.mean(r));
            assertEquals(rs.hubness(r), rs2.hubness(r));
        }

        DistinctValues dv = ps.run(e, DistinctValues::new, ProgressListener.NONE);
        DistinctValues dv2 = new DistinctValues();
        dv2.merge(roundTrip(dv));
        assertArrayEquals(dv.float32().counts(), dv2.float32().counts());
        assertEquals(dv.float16().distinct(), dv2.float16().distinct());
    }
}
