package dev.cossim.results;

/** Exact counts of values in {@link #bins()} equal-width bins over [lo, hi]; values outside go to the end bins. */
public interface Distribution {
    double lo();

    double hi();

    int bins();

    /** The counts, bin by bin (a copy or a view; callers must not change it). */
    long[] counts();

    long total();

    /** The lower edge of bin i ({@code edge(bins())} is hi). */
    double edge(int i);
}
