package dev.cossim.results;

/** Exact summary of a set of pair values: how many, mean, standard deviation, and the extreme pairs (ties: lower ids). */
public interface Statistics {
    long count();

    double mean();

    /** Population standard deviation. */
    double std();

    Pair min();

    Pair max();
}
