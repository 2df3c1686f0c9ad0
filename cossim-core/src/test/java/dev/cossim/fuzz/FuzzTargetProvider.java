package dev.cossim.fuzz;

import java.util.List;

/** Targets of a module other than cossim-core, found by {@link FuzzMain} through {@link java.util.ServiceLoader}. */
public interface FuzzTargetProvider {
    List<FuzzTarget> targets();
}
