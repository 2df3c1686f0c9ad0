package dev.cossim.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelWarmUpTest {
    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** 19 shallow calls between deep ones, and no call after the first deep one that is fast. */
    @Test
    void stopsAtTheFirstFastDeepCall() {
        AtomicInteger shallow = new AtomicInteger(), deep = new AtomicInteger();
        KernelWarmUp.untilCompiled(shallow::incrementAndGet, () -> {
            if (deep.incrementAndGet() <= 3) {
                sleepMs(1); // slower than a compiled deep call
            }
        });
        assertEquals(4, deep.get());
        assertEquals(3 * 19, shallow.get());
    }

    @Test
    void givesUpAfterItsLimitWhenNothingGetsFaster() {
        AtomicInteger shallow = new AtomicInteger(), deep = new AtomicInteger();
        KernelWarmUp.untilCompiled(shallow::incrementAndGet, () -> {
            deep.incrementAndGet();
            sleepMs(1);
        });
        assertEquals(KernelWarmUp.MAX_CALLS / 20, deep.get());
        assertEquals(KernelWarmUp.MAX_CALLS - KernelWarmUp.MAX_CALLS / 20, shallow.get());
    }

    @Test
    void awaitingAWarmUpNeverStartedReturnsAtOnce() {
        assertEquals(0.0, KernelWarmUp.await("a kernel nobody warmed up"));
    }

    /** The plain-Java kernel has nothing to compile: its warm-up ends without calling it, and waiting for it ends. */
    @Test
    void aKernelWithNothingToCompileEndsAtOnce() {
        KernelWarmUp.rowBlocksInBackground("scalar");
        double waited = KernelWarmUp.await("scalar");
        assertTrue(waited < KernelWarmUp.MAX_WAIT_MS / 1000.0, "waited " + waited + " s");
        assertEquals(0.0, KernelWarmUp.await("scalar"), "done once waited for");
    }
}
