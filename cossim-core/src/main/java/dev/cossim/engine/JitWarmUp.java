package dev.cossim.engine;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a JIT warm-up (hot loops on small synthetic data) on a daemon thread while the caller reads its input, so
 * that C2 has compiled them before the real work needs them. Not started on a single core, where it would only
 * compete with the caller; a command that ends first does not wait for it. Warm-ups started by key
 * ({@link #startOnce}) run once per JVM (the JIT keeps what it compiled), and work that should not run uncompiled
 * waits for its own ({@link #await}).
 */
public final class JitWarmUp {
    private JitWarmUp() {
    }

    /** The keyed warm-ups started in this JVM, each done when its thread has finished (or at once, when none started). */
    private static final ConcurrentHashMap<String, CompletableFuture<Void>> STARTED = new ConcurrentHashMap<>();

    /** @return whether the warm-up thread was started */
    public static boolean inBackground(Runnable warmUp) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return false;
        }
        Thread t = new Thread(warmUp, "cossim-warm-up");
        t.setDaemon(true);
        t.start();
        return true;
    }

    /**
     * Runs {@code warmUp} on a side thread ({@link #inBackground}) unless one of that key was started before in this
     * JVM. A RuntimeException it throws (a bad kernel name, say) ends it quietly: the real work reports it.
     */
    public static void startOnce(String key, Runnable warmUp) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (STARTED.putIfAbsent(key, done) != null) {
            return;
        }
        boolean started = inBackground(() -> {
            try {
                warmUp.run();
            } catch (RuntimeException e) {
                // the real work says what is wrong
            } finally {
                done.complete(null);
            }
        });
        if (!started) {
            done.complete(null);
        }
    }

    /**
     * Waits, at most {@code maxMillis}, for the warm-up of that key if one was started and still runs; returns the
     * seconds waited (0 when none runs). Past the limit the caller goes on: its first work only runs slower.
     */
    public static double await(String key, long maxMillis) {
        CompletableFuture<Void> f = STARTED.get(key);
        if (f == null || f.isDone()) {
            return 0;
        }
        long t0 = System.nanoTime();
        try {
            f.get(maxMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // go on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
