package dev.cossim.query;

import dev.cossim.engine.Mergeable;

import java.io.Serializable;

/**
 * What a search found over some of the corpus (one work unit, or every unit merged so far): each query's candidates
 * and the rows skipped as zero or non-finite. Mergeable in any order (the candidates are the k best by key, ties to the
 * lower row, whatever the split), and serializable, so that a checkpoint holds it.
 */
public final class QueryPartial implements Mergeable<QueryPartial>, Serializable {
    private static final long serialVersionUID = 1L;

    final Candidates candidates;
    long zeroRows;
    long nonFiniteRows;

    QueryPartial(int queries, int k) {
        this.candidates = new Candidates(queries, k);
    }

    @Override
    public void merge(QueryPartial o) {
        candidates.merge(o.candidates);
        zeroRows += o.zeroRows;
        nonFiniteRows += o.nonFiniteRows;
    }
}
