package dev.cossim.query;

import dev.cossim.CossimException;

import java.util.Locale;

/** How a query is compared with a stored vector, and which end of the ranking counts as nearest. */
public enum Metric {
    /** Cosine similarity, largest first; zero rows are left out (they have no direction). */
    COSINE(true),
    /** Inner product, largest first. */
    DOT(true),
    /** Euclidean distance, smallest first. */
    EUCLIDEAN(false);

    private final boolean largest;

    Metric(boolean largest) {
        this.largest = largest;
    }

    /** Whether larger scores are nearer (cosine, dot) or smaller ones (Euclidean distance). */
    public boolean largest() {
        return largest;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Metric parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "cosine", "cos" -> COSINE;
            case "dot", "ip", "inner" -> DOT;
            case "euclidean", "l2", "euclid" -> EUCLIDEAN;
            default -> throw new CossimException("--metric " + s + ": choose cosine, dot or euclidean");
        };
    }

    /** The exact score in double of query q against row x (both raw). */
    public double score(double[] q, double[] x) {
        double dot = 0, qq = 0, xx = 0, dd = 0;
        for (int i = 0; i < q.length; i++) {
            dot += q[i] * x[i];
            qq += q[i] * q[i];
            xx += x[i] * x[i];
            double diff = q[i] - x[i];
            dd += diff * diff;
        }
        return switch (this) {
            case COSINE -> dot / Math.sqrt(qq * xx);
            case DOT -> dot;
            case EUCLIDEAN -> Math.sqrt(dd);
        };
    }
}
