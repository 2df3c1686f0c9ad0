package dev.cossim.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The one scheduler of tile work on one machine: a pool of daemon worker threads, each running a task that claims
 * work (tiles, corpus blocks) from a shared counter into its own partial result; the partials come back in worker
 * order for the caller to merge. All-pairs, cross runs, corpus queries and norms run on it. An error on a worker
 * surfaces as it was thrown; an interrupt cancels the run ({@link CancellationException}).
 */
public final class TileScheduler implements AutoCloseable {
    private final ExecutorService pool;
    private final int threads;

    /** @param name the worker threads' name (seen in profiles and thread dumps) */
    public TileScheduler(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive");
        }
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task.apply(w)} for w in [0, min(workers, threads)) (at least one) at once, and returns their
     * results in worker order.
     */
    public <R> List<R> run(int workers, IntFunction<Callable<R>> task) {
        int count = Math.max(1, Math.min(workers, threads));
        List<Future<R>> futures = new ArrayList<>(count);
        for (int w = 0; w < count; w++) {
            futures.add(pool.submit(task.apply(w)));
        }
        List<R> out = new ArrayList<>(count);
        try {
            for (Future<R> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /** For workers between work items: an interrupt of the run stops them. */
    public static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted");
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
