package dev.cossim.results;

/** Each row's k nearest other rows, best first, ties to the lower id. */
public interface NeighborTable {
    int k();

    /** Rows that have a list (packed order). */
    int rows();

    Neighbors neighbors(int row);
}
