package dev.cossim.engine;

/**
 * A partial result that merges with another of its kind: a tile reducer, or a query's candidates over some batches.
 * What a resumable run ({@link ResumeState}) keeps per finished work unit.
 */
public interface Mergeable<R extends Mergeable<R>> {
    void merge(R other);
}
