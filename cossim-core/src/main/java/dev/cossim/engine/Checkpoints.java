package dev.cossim.engine;

/**
 * Where a resumable run ({@link AllPairsEngine#runResumable}, a query's {@code QueryEngine.search}) keeps its state:
 * what an earlier run left (or null), and a place to save the state now and then. The engine calls {@link #save} with
 * the state locked, at most every {@link #intervalNanos} and once more when every unit is done.
 */
public interface Checkpoints<R extends Mergeable<R>> {
    /** The state an earlier run of this request saved, or null to start from the first unit. */
    ResumeState<R> load(int units);

    void save(ResumeState<R> state);

    long intervalNanos();
}
