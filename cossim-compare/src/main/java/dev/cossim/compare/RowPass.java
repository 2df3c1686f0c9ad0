package dev.cossim.compare;

import dev.cossim.analysis.ProgressListener;
import dev.cossim.source.Tensor;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * One streamed pass over the aligned rows in double: the rows are read from the (memory-mapped) tensors in blocks
 * of {@link #BLOCK} rows, optionally transformed, and handed to one accumulator per thread (each over a contiguous
 * range of rows), which are merged at the end. Nothing in proportion to the number of rows is held beyond what an
 * accumulator keeps itself.
 */
final class RowPass {
    static final int BLOCK = 512;

    /** A side of the comparison: its tensor, the aligned ids, and an optional transform applied to each raw row. */
    record Side(Tensor tensor, int[] ids, RowTransform transform) {
        int dim() {
            return (int) tensor.rowLength();
        }
    }

    /** Rewrites one raw row in place (centring, removing principal components). */
    interface RowTransform {
        void apply(double[] row);
    }

    /** Rows [start, start + rows) of the pass: raw (or transformed) rows x and unit rows u of each side given. */
    static final class Block {
        int start;
        int rows;
        final DMatrixRMaj[] x;
        final DMatrixRMaj[] u;

        Block(int sides) {
            x = new DMatrixRMaj[sides];
            u = new DMatrixRMaj[sides];
        }
    }

    interface Accumulator<A extends Accumulator<A>> {
        void accept(Block b);

        void merge(A other);
    }

    private RowPass() {
    }

    static <A extends Accumulator<A>> A run(List<Side> sides, int n, int threads, Supplier<A> make, ProgressListener progress, String task) {
        int parts = Math.max(1, Math.min(threads, (n + BLOCK - 1) / BLOCK));
        progress.begin(task, n);
        ExecutorService pool = Executors.newFixedThreadPool(parts, r -> {
            Thread t = new Thread(r, "cossim-compare");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<A>> futures = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                int from = (int) ((long) n * p / parts);
                int to = (int) ((long) n * (p + 1) / parts);
                futures.add(pool.submit(() -> range(sides, from, to, make.get(), progress)));
            }
            A total = null;
            for (Future<A> f : futures) {
                A a = f.get();
                if (total == null) {
                    total = a;
                } else {
                    total.merge(a);
                }
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.cossim.CossimException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
            progress.end();
        }
    }

    private static <A extends Accumulator<A>> A range(List<Side> sides, int from, int to, A acc, ProgressListener progress) {
        Block b = new Block(sides.size());
        double[][] row = new double[sides.size()][];
        float[][] scratch = new float[sides.size()][];
        for (int s = 0; s < sides.size(); s++) {
            int d = sides.get(s).dim();
            scratch[s] = new float[d];
            b.x[s] = new DMatrixRMaj(BLOCK, d);
            b.u[s] = new DMatrixRMaj(BLOCK, d);
            row[s] = new double[d];
        }
        for (int start = from; start < to; start += BLOCK) {
            int rows = Math.min(BLOCK, to - start);
            b.start = start;
            b.rows = rows;
            for (int s = 0; s < sides.size(); s++) {
                Side side = sides.get(s);
                int d = side.dim();
                b.x[s].reshape(rows, d);
                b.u[s].reshape(rows, d);
                double[] xd = b.x[s].data;
                double[] ud = b.u[s].data;
                for (int r = 0; r < rows; r++) {
                    read(side, start + r, row[s], scratch[s]);
                    double ss = 0;
                    for (int c = 0; c < d; c++) {
                        double v = row[s][c];
                        xd[r * d + c] = v;
                        ss += v * v;
                    }
                    double inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
                    for (int c = 0; c < d; c++) {
                        ud[r * d + c] = row[s][c] * inv;
                    }
                }
            }
            acc.accept(b);
            progress.advance(rows);
            if (Thread.currentThread().isInterrupted()) {
                throw new dev.cossim.CossimException("interrupted");
            }
        }
        return acc;
    }

    /** Aligned row i of a side, in double, transformed when the side has a transform. */
    static void read(Side side, int i, double[] out) {
        read(side, i, out, null);
    }

    /**
     * The same, through {@code scratch} (a float row, or null): every dtype but F64 holds values that float32 holds
     * exactly, so those rows are read in bulk as floats and widened.
     */
    static void read(Side side, int i, double[] out, float[] scratch) {
        Tensor t = side.tensor();
        int d = out.length;
        long base = (long) side.ids()[i] * d;
        if (scratch != null && t.dtype() != dev.cossim.source.DType.F64) {
            t.readFloats(base, scratch, 0, d);
            for (int c = 0; c < d; c++) {
                out[c] = scratch[c];
            }
        } else {
            for (int c = 0; c < d; c++) {
                out[c] = t.getDouble(base + c);
            }
        }
        if (side.transform() != null) {
            side.transform().apply(out);
        }
    }
}
