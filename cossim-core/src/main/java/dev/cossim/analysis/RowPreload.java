package dev.cossim.analysis;

import dev.cossim.matrix.Normalization;
import dev.cossim.matrix.RowMatrix;
import dev.cossim.query.CorpusModel;
import dev.cossim.source.EmbeddingModel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model opened and all its rows packed ahead of the request that will ask for them, on a side thread: the command
 * line starts one before it parses its arguments, so that reading and normalising the rows overlaps the parsing
 * (measurements: docs/performance.md, "Start-up"). At most one at a time; the first request that runs takes it when
 * it asks for exactly those rows (the same model, tensor and vocabulary found by default, every row, the same
 * normalisation, packed) and drops it otherwise, closing its model.
 */
final class RowPreload {
    private RowPreload() {
    }

    /** What was read: the model spec (null: the embedded default model) and how the rows were normalised. */
    private record Key(String spec, Normalization norm) {
    }

    /** The opened model and its packed rows, or the failure (told again by the request's own attempt). */
    record Loaded(EmbeddingModel model, RowMatrix rows) {
    }

    private record Pending(Key key, CompletableFuture<Loaded> result) {
    }

    private static final AtomicReference<Pending> PENDING = new AtomicReference<>();

    /**
     * Starts reading {@code spec}'s rows, normalised by {@code norm}; a preload no request took before is dropped. Rows
     * larger than {@code packedRowLimit} bytes as float32 are left to the request (it streams them).
     */
    static void start(String spec, Normalization norm, long packedRowLimit) {
        Pending p = new Pending(new Key(spec, norm), new CompletableFuture<>());
        Pending stale = PENDING.getAndSet(p);
        if (stale != null) {
            discard(stale);
        }
        Thread t = new Thread(() -> {
            EmbeddingModel m = null;
            try {
                m = CorpusModel.open(spec, null, null, null, null);
                long rows = m.matrix().rows();
                if (rows * m.matrix().rowLength() * Float.BYTES > packedRowLimit || rows > Integer.MAX_VALUE) {
                    m.close();
                    p.result.complete(null);
                    return;
                }
                p.result.complete(new Loaded(m, RowMatrix.of(m.matrix(), norm)));
            } catch (Throwable e) {
                if (m != null) {
                    m.close();
                }
                p.result.complete(null); // the request opens the model itself and reports what is wrong
            }
        }, "cossim-rows");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The preloaded model and rows if they are what a request for every row of {@code spec} (tensor and vocabulary by
     * default) normalised by {@code norm} needs, waiting for them if need be; else null. Either way the preload is
     * gone afterwards; one that does not match is closed.
     */
    static Loaded take(String spec, Normalization norm) {
        Pending p = PENDING.getAndSet(null);
        if (p == null) {
            return null;
        }
        if (!p.key.equals(new Key(spec, norm))) {
            discard(p);
            return null;
        }
        return p.result.join();
    }

    /** Drops a preload no request asked for (its model closed once it is open). */
    static void discard() {
        Pending p = PENDING.getAndSet(null);
        if (p != null) {
            discard(p);
        }
    }

    private static void discard(Pending p) {
        p.result.thenAccept(l -> {
            if (l != null) {
                l.model().close();
            }
        });
    }

    /** For tests: whether a preload is waiting to be taken, after waiting for it to be read (true: read, or failed). */
    static boolean pending() {
        Pending p = PENDING.get();
        if (p != null) {
            p.result.join();
        }
        return p != null;
    }
}
