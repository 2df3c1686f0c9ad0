package dev.cossim.engine;

import java.io.Serializable;
import java.util.TreeMap;

/**
 * Where a resumable run stands: the tiles are cut into {@code units} work units in a fixed order; units
 * {@code [0, merged)} are done and merged, in unit order, into {@code prefix}; {@code pending} holds the units done
 * out of order (each its own reducer, not yet merged). A checkpoint stores this; a resumed run skips every unit it
 * names and merges the rest in the same order, so that its result equals an uninterrupted run's to the last bit.
 */
public final class ResumeState<R extends Mergeable<R>> implements Serializable {
    private static final long serialVersionUID = 1L;

    final int units;
    int merged;
    R prefix;
    final TreeMap<Integer, R> pending = new TreeMap<>();

    /** A run cut into {@code units} work units, none done yet. */
    public ResumeState(int units) {
        this.units = units;
    }

    /** How many work units the run is cut into. */
    public int units() {
        return units;
    }

    /** How many units are done (merged or pending). */
    public int done() {
        return merged + pending.size();
    }

    /** Whether every unit is done. */
    public boolean complete() {
        return merged == units;
    }

    /** The merged result of a complete run. */
    public R result() {
        if (!complete()) {
            throw new IllegalStateException(done() + " of " + units + " units done");
        }
        return prefix;
    }

    /** Whether unit {@code unit} is done (merged or pending). */
    public boolean isDone(int unit) {
        return unit < merged || pending.containsKey(unit);
    }

    /** Adds a finished unit and merges every unit that now follows the merged prefix. */
    public void finish(int unit, R r) {
        pending.put(unit, r);
        R next;
        while ((next = pending.remove(merged)) != null) {
            if (prefix == null) {
                prefix = next;
            } else {
                prefix.merge(next);
            }
            merged++;
        }
    }
}
