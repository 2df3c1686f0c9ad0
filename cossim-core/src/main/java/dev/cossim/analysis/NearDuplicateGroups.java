package dev.cossim.analysis;

import dev.cossim.reduce.NearDuplicates;
import dev.cossim.results.Group;
import dev.cossim.results.Pair;

import java.util.List;

/** The pairs at or beyond a threshold and their connected components (largest first). */
public final class NearDuplicateGroups {
    private final NearDuplicates nd;

    NearDuplicateGroups(NearDuplicates nd) {
        this.nd = nd;
    }

    public double threshold() {
        return nd.threshold();
    }

    /** True when qualifying pairs are those at or below the threshold (distances). */
    public boolean below() {
        return nd.below();
    }

    /** Exact number of qualifying pairs, even past the limit. */
    public long count() {
        return nd.count();
    }

    /** False when more pairs qualified than the limit kept: then only {@link #count} is known. */
    public boolean complete() {
        return nd.complete();
    }

    /** The qualifying pairs (i < j, ordered by i then j); refused when incomplete. */
    public Pair[] pairs() {
        return nd.pairs();
    }

    /** The groups, largest first; refused when incomplete. */
    public List<Group> groups() {
        return nd.groups();
    }
}
