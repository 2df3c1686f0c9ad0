package dev.cossim.compare;

import dev.cossim.matrix.Selection;
import dev.cossim.vocab.Vocabulary;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What {@link Comparison#run} found. Row {@code i} of every per-row array is aligned row i:
 * {@code alignment().idsA()[i]} of A and {@code alignment().idsB()[i]} of B.
 *
 * @param overlaps      mutual k-nearest-neighbour overlap at each k asked for, smallest k first
 * @param ckaRaw        linear CKA of the rows as they are
 * @param ckaUnit       linear CKA of the unit rows
 * @param similarities  cosine similarities of both models on a seeded sample of pairs of aligned rows
 * @param procrustes    the orthogonal map of A's unit rows onto B's
 * @param isotropyA     isotropy of A's aligned rows
 * @param transformedA  isotropy of A's rows after {@code transform} (null when none was asked for)
 */
public record ComparisonResult(String modelA, String modelB, int dimA, int dimB, Vocabulary vocabularyA,
                               Vocabulary vocabularyB, Selection selection, Alignment alignment, List<Overlap> overlaps,
                               double ckaRaw, double ckaUnit, SampledSimilarities similarities, Procrustes procrustes,
                               Isotropy isotropyA, Isotropy isotropyB, String transform, Isotropy transformedA,
                               Isotropy transformedB, double seconds, String kernel, int threads) {

    public int rows() {
        return alignment.size();
    }

    /** The token of aligned row i (A's spelling), or A's id when A has no vocabulary. */
    public String token(int i) {
        return vocabularyA.display(alignment.idsA()[i]);
    }

    /**
     * Mutual kNN overlap at k: per aligned row, how many of its k nearest rows by cosine in A are also among its k
     * nearest in B (both lists over the aligned rows, ties to the lower aligned row).
     *
     * @param histogram  histogram[c]: rows whose lists share exactly c rows (c = 0..k)
     */
    public record Overlap(int k, double mean, long[] histogram, int[] perRow) {
        /** Aligned rows whose lists share the most rows, most first (ties: lower row). */
        public int[] most(int count) {
            return order(count, true);
        }

        /** Aligned rows whose lists share the fewest rows, fewest first (ties: lower row). */
        public int[] least(int count) {
            return order(count, false);
        }

        private int[] order(int count, boolean most) {
            Comparator<Integer> byCount = Comparator.comparingInt(i -> most ? -perRow[i] : perRow[i]);
            return IntStream.range(0, perRow.length).boxed().sorted(byCount.thenComparingInt(i -> i))
                    .limit(count).mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * RSA-style agreement of the two similarity structures on {@code a.length} pairs of distinct aligned rows drawn
     * uniformly with replacement (seeded): cosine in A ({@code a}) and in B ({@code b}), in double.
     */
    public record SampledSimilarities(long seed, int[] rowI, int[] rowJ, double[] a, double[] b, double spearman, double pearson) {
        public int count() {
            return a.length;
        }
    }

    /**
     * Orthogonal Procrustes on the unit rows: R = U V^T from the compact SVD of M = U_A^T U_B (d_A x d_B) minimises
     * ||U_A R - U_B||_F over orthogonal R when d_A = d_B. Different dimensions are handled by padding the narrower
     * side with zero columns: for d_A < d_B, R has orthonormal rows and the residual is ||u_A R - u_B||; for
     * d_A > d_B, R (orthonormal columns) is the first d_B columns of the padded rotation, and each row's residual is
     * the padded one, sqrt(2 - 2 (u_A R) . u_B). Either way the total is 2 rows - 2 (sum of M's singular values).
     *
     * @param rotation         R, d_A rows of d_B values
     * @param residual         the sum of the per-row squared residuals
     * @param relativeResidual residual / ||U_B||_F^2 (= residual / rows): 0 when A maps onto B exactly, at most 4
     * @param alignedCosine    the mean over rows of (u_A R) . u_B (= 1 - relativeResidual / 2)
     * @param perRow           each aligned row's residual
     */
    public record Procrustes(String shape, double[][] rotation, double residual, double relativeResidual,
                             double alignedCosine, double[] perRow) {
        /** Aligned rows that moved most (largest residual first; ties: lower row). */
        public int[] movedMost(int count) {
            return IntStream.range(0, perRow.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -perRow[i]).thenComparingInt(i -> i))
                    .limit(count).mapToInt(Integer::intValue).toArray();
        }
    }
}
