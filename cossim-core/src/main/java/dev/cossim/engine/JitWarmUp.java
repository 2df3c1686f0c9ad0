package dev.cossim.engine;

/**
 * Runs a JIT warm-up (hot loops on small synthetic data) on a daemon thread while the caller reads its input, so
 * that C2 has compiled them before the real work needs them. Not started on a single core, where it would only
 * compete with the caller; a command that ends first does not wait for it.
 */
public final class JitWarmUp {
    private JitWarmUp() {
    }

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
}
