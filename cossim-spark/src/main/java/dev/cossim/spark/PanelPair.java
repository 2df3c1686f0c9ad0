package dev.cossim.spark;

import java.io.Serializable;

/** The two panels of one all-pairs task; {@code a == b} on the diagonal (P == Q). */
public final class PanelPair implements Serializable {
    private static final long serialVersionUID = 1L;

    public final Panel a;
    public final Panel b;

    public PanelPair(Panel a, Panel b) {
        if (a.index > b.index) {
            throw new IllegalArgumentException("panel pair out of order: " + a.index + " > " + b.index);
        }
        this.a = a;
        this.b = b;
    }

    public boolean diagonal() {
        return a.index == b.index;
    }
}
