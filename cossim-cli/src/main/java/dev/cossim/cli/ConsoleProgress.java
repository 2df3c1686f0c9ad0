package dev.cossim.cli;

import dev.cossim.analysis.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress on stderr: on a terminal, one line redrawn in place (carriage return) that fits 80 columns, e.g.
 * {@code all-pairs  39% [########............]  182.4M/465.8M pairs  91.2M/s  ETA 0:03}; elsewhere (logs, CI, pipes)
 * a plain line every {@code interval} seconds, free of carriage returns and colour codes.
 */
final class ConsoleProgress implements ProgressListener {
    /** The widest line drawn on a terminal. */
    static final int WIDTH = 80;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    private final long intervalNanos;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile String task;
    private volatile long start;
    private volatile long lastLine;
    private int drawn;

    ConsoleProgress(PrintStream err, boolean terminal, double intervalSeconds) {
        this.err = err;
        this.terminal = terminal;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    /**
     * Redrawn in place when stderr is a terminal: the ./cossim launcher says so ({@code COSSIM_STDERR_TTY=1}, from
     * {@code [ -t 2 ]}, so that {@code ./cossim all-pairs > out.txt} still shows it); without the launcher, when the JVM
     * has a terminal console. Never under CI.
     */
    static ConsoleProgress forStderr() {
        java.io.Console c = System.console();
        boolean tty = ("1".equals(System.getenv("COSSIM_STDERR_TTY")) || c != null && c.isTerminal()) && System.getenv("CI") == null;
        return new ConsoleProgress(System.err, tty, 5);
    }

    @Override
    public void begin(String task, long total) {
        this.task = task;
        this.total = total;
        this.done.set(0);
        this.start = System.nanoTime();
        this.lastLine = start;
        this.drawn = 0;
    }

    @Override
    public void advance(long n) {
        long now = done.addAndGet(n);
        long t = System.nanoTime();
        long last = lastLine;
        if (t - last < (terminal ? REDRAW_NANOS : intervalNanos) || total <= 0) {
            return;
        }
        synchronized (this) {
            if (lastLine != last) {
                return;
            }
            lastLine = t;
            double el = (t - start) / 1e9;
            if (terminal) {
                draw(line(task, now, total, el, WIDTH));
            } else {
                double frac = (double) now / total;
                double left = frac > 0 ? el * (1 - frac) / frac : Double.NaN;
                err.printf(Locale.ROOT, "%s: %5.1f%% (%,d / %,d), %.0f s elapsed, about %.0f s left%n",
                        task, 100 * frac, now, total, el, left);
            }
        }
    }

    @Override
    public synchronized void end() {
        if (terminal && drawn > 0) {
            draw(line(task, done.get(), total, (System.nanoTime() - start) / 1e9, WIDTH));
            err.print('\n');
            err.flush();
            drawn = 0;
        }
    }

    private void draw(String line) {
        StringBuilder b = new StringBuilder(WIDTH + 2).append('\r').append(line);
        for (int pad = drawn - line.length(); pad > 0; pad--) {
            b.append(' ');
        }
        err.print(b);
        err.flush();
        drawn = line.length();
    }

    /**
     * One progress line of at most {@code width} characters: task, percent, a bar filling what is left, done/total
     * pairs in human numbers, the rate and the time left.
     */
    static String line(String task, long done, long total, double elapsedSeconds, int width) {
        double frac = total > 0 ? Math.min(1, (double) done / total) : 0;
        String name = task.length() > 12 ? task.substring(0, 12) : task;
        double rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
        double left = rate > 0 ? (total - done) / rate : Double.NaN;
        String tail = String.format(Locale.ROOT, "  %s/%s pairs  %s/s  ETA %s", human(done), human(total), human(rate), clock(left));
        String head = String.format(Locale.ROOT, "%-12s %3d%% ", name, (int) Math.floor(100 * frac));
        int barWidth = Math.max(0, width - head.length() - tail.length() - 2);
        StringBuilder b = new StringBuilder(width).append(head);
        if (barWidth >= 4) {
            int full = (int) Math.round(frac * barWidth);
            b.append('[').append("#".repeat(full)).append(".".repeat(barWidth - full)).append(']');
        }
        b.append(tail);
        return b.length() <= width ? b.toString() : b.substring(0, width);
    }

    /** 465780981 -> "465.8M"; one decimal from a thousand up (k, M, G, T). */
    static String human(double x) {
        if (!Double.isFinite(x) || x < 0) {
            return "?";
        }
        String[] units = {"", "k", "M", "G", "T", "P"};
        int u = 0;
        while (x >= 999.95 && u < units.length - 1) {
            x /= 1000;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f", x) : String.format(Locale.ROOT, "%.1f%s", x, units[u]);
    }

    /** Seconds as m:ss or h:mm:ss; "?" when unknown. */
    static String clock(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
