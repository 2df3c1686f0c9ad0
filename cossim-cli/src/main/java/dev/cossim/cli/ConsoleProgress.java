package dev.cossim.cli;

import dev.cossim.analysis.ProgressListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress on stderr: a progress bar when stderr is a terminal, else a plain line every {@code interval} seconds
 * (logs and CI output stay free of carriage returns and colour codes).
 */
final class ConsoleProgress implements ProgressListener {
    private final PrintStream err;
    private final boolean terminal;
    private final long intervalNanos;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile String task;
    private volatile long start;
    private volatile long lastLine;
    private ProgressBar bar;

    ConsoleProgress(PrintStream err, boolean terminal, double intervalSeconds) {
        this.err = err;
        this.terminal = terminal;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    static ConsoleProgress forStderr() {
        java.io.Console c = System.console();
        boolean tty = c != null && c.isTerminal() && System.getenv("CI") == null;
        return new ConsoleProgress(System.err, tty, 5);
    }

    @Override
    public void begin(String task, long total) {
        this.task = task;
        this.total = total;
        this.done.set(0);
        this.start = System.nanoTime();
        this.lastLine = start;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250)
                    .showSpeed().setUnit(" pairs", 1).build();
        }
    }

    @Override
    public void advance(long n) {
        long now = done.addAndGet(n);
        if (bar != null) {
            bar.stepBy(n);
            return;
        }
        long t = System.nanoTime();
        long last = lastLine;
        if (t - last >= intervalNanos && total > 0) {
            synchronized (this) {
                if (lastLine != last) {
                    return;
                }
                lastLine = t;
            }
            double frac = (double) now / total;
            double el = (t - start) / 1e9;
            double left = frac > 0 ? el * (1 - frac) / frac : Double.NaN;
            err.printf(Locale.ROOT, "%s: %5.1f%% (%,d / %,d), %.0f s elapsed, about %.0f s left%n",
                    task, 100 * frac, now, total, el, left);
        }
    }

    @Override
    public void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
