package dev.cossim.engine;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one tile scheduler: work claimed from a shared counter, partials in worker order, errors and interrupts as thrown. */
class TileSchedulerTest {
    @Test
    void everyItemOnceAndPartialsInWorkerOrder() {
        AtomicInteger next = new AtomicInteger();
        try (TileScheduler s = new TileScheduler(3, "test")) {
            List<long[]> parts = s.run(5, w -> () -> {
                long[] sumAndWorker = {0, w};
                int i;
                while ((i = next.getAndIncrement()) < 10_000) {
                    sumAndWorker[0] += i;
                }
                return sumAndWorker;
            });
            assertEquals(3, parts.size(), "no more workers than threads");
            assertEquals(10_000L * 9_999 / 2, parts.stream().mapToLong(p -> p[0]).sum());
            for (int w = 0; w < parts.size(); w++) {
                assertEquals(w, parts.get(w)[1]);
            }
        }
    }

    @Test
    void aWorkersErrorSurfacesAsThrown() {
        IllegalStateException boom = new IllegalStateException("boom");
        try (TileScheduler s = new TileScheduler(2, "test")) {
            assertSame(boom, assertThrows(IllegalStateException.class, () -> s.run(2, w -> () -> {
                if (w == 1) {
                    throw boom;
                }
                return w;
            })));
            assertInstanceOf(OutOfMemoryError.class, assertThrows(OutOfMemoryError.class, () -> s.run(1, w -> () -> {
                throw new OutOfMemoryError("test");
            })));
        }
    }

    @Test
    void anInterruptCancelsTheRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try (TileScheduler s = new TileScheduler(1, "test")) {
                s.run(1, w -> () -> {
                    started.countDown();
                    while (true) {
                        TileScheduler.checkInterrupted();
                        Thread.onSpinWait();
                    }
                });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        started.await();
        caller.interrupt();
        caller.join(10_000);
        assertInstanceOf(CancellationException.class, thrown.get());
    }
}
