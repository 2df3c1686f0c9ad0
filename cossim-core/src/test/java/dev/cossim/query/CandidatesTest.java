package dev.cossim.query;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The candidate heaps keep and order the k best (key, then lower row) of whatever is offered, in any order. */
class CandidatesTest {
    private record Offer(float key, long row) {
    }

    private static long[] best(List<Offer> offers, int k) {
        return offers.stream()
                .sorted(Comparator.comparingDouble((Offer o) -> -o.key()).thenComparingLong(Offer::row))
                .limit(k).mapToLong(Offer::row).toArray();
    }

    @Test
    void rowsAreTheKBestBestFirstTiesByLowerRow() {
        Random r = new Random(3);
        for (int k : new int[]{1, 2, 5, 16}) {
            for (int n : new int[]{0, 1, k - 1, k, 3 * k + 1, 200}) {
                Candidates c = new Candidates(2, k);
                List<Offer> offers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    // few distinct keys, so that many tie; rows offered out of order
                    Offer o = new Offer(r.nextInt(4) - 1.5f, r.nextInt(1000));
                    if (offers.stream().noneMatch(x -> x.row() == o.row())) {
                        offers.add(o);
                        c.offer(1, o.key(), o.row());
                    }
                }
                if (n > 0) {
                    offers.add(new Offer(Float.NEGATIVE_INFINITY, 5000)); // still a candidate while the heap has room
                    c.offer(1, Float.NEGATIVE_INFINITY, 5000);
                }
                assertArrayEquals(best(offers, k), c.rows(1), "k " + k + ", " + n + " offers");
                assertArrayEquals(new long[0], c.rows(0), "a query offered nothing has no rows");
            }
        }
    }

    @Test
    void mergedSetsEqualOneSetOfEveryOffer() {
        Random r = new Random(4);
        int k = 7;
        Candidates a = new Candidates(1, k), b = new Candidates(1, k), all = new Candidates(1, k);
        for (int i = 0; i < 300; i++) {
            float key = (float) r.nextGaussian();
            (i % 3 == 0 ? a : b).offer(0, key, i);
            all.offer(0, key, i);
        }
        a.merge(b);
        assertArrayEquals(all.rows(0), a.rows(0));
    }
}
