package dev.cossim.spark;

import dev.cossim.analysis.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;

/** Progress as plain lines (driver logs are files more often than terminals): one line per 10% done. */
final class LogProgress implements ProgressListener {
    private final PrintStream out;
    private String task;
    private long total;
    private long done;
    private int lastTenth = -1;
    private long start;

    LogProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void begin(String task, long total) {
        this.task = task;
        this.total = total;
        this.done = 0;
        this.lastTenth = -1;
        this.start = System.nanoTime();
        out.printf(Locale.ROOT, "cossim: %s: %,d tasks%n", task, total);
    }

    @Override
    public synchronized void advance(long n) {
        done += n;
        int tenth = total == 0 ? 10 : (int) (10 * done / total);
        if (tenth > lastTenth) {
            lastTenth = tenth;
            out.printf(Locale.ROOT, "cossim: %s: %,d / %,d tasks (%d%%), %.1f s%n", task, done, total,
                    total == 0 ? 100 : 100 * done / total, (System.nanoTime() - start) / 1e9);
        }
    }

    @Override
    public synchronized void end() {
        out.printf(Locale.ROOT, "cossim: %s: done in %.1f s%n", task, (System.nanoTime() - start) / 1e9);
    }
}
