package dev.cossim.query;

/** The work units of a search, for tests outside this package. */
public final class SearchUnits {
    private SearchUnits() {
    }

    public static int count(Corpus corpus, int block, boolean checkpointed) {
        return QueryEngine.units(corpus, block, checkpointed).size();
    }
}
