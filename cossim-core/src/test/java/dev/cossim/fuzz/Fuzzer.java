package dev.cossim.fuzz;

import dev.cossim.CossimException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A bounded, seeded, in-process mutation fuzzer for the readers (see docs/fuzzing.md). Each execution writes one
 * input file into a private directory and runs the target's body on a worker thread; the contract it checks:
 * <ul>
 * <li>the body returns, or throws {@link CossimException} whose message is one line naming the file (it contains
 * the input's directory); any other throwable (including {@link OutOfMemoryError} and {@link StackOverflowError})
 * is a finding;</li>
 * <li>it returns within {@link #hangMillis} (else a "hang" finding, and the run stops);</li>
 * <li>it allocates on the heap at most {@link #ALLOC_FACTOR} times the bytes on disk plus {@link #ALLOC_SLACK}
 * (else an "allocation" finding: a size the file claims was trusted before it was checked).</li>
 * </ul>
 * Guidance is coarse but cheap: an input whose outcome (the message or the result summary, digits folded) has not
 * been seen before joins the corpus. A JVM crash ends the process; {@code bench/fuzz.sh} then keeps the last input,
 * which is always the file in the work directory.
 */
public final class Fuzzer implements AutoCloseable {
    public static final long ALLOC_FACTOR = 16;
    public static final long ALLOC_SLACK = 64L << 20;
    static final int MAX_CORPUS = 4096;
    static final int MAX_FINDINGS = 25;

    public enum Kind { ACCEPTED, REFUSED, FINDING }

    /** What one execution gave: the kind, a short feature (message or result, digits folded) and for findings the detail. */
    public record Outcome(Kind kind, String feature, String detail) {
        public boolean isFinding() {
            return kind == Kind.FINDING;
        }
    }

    /** A distinct failure found while fuzzing, with the input saved where {@code saved} says (null if not saved). */
    public record Finding(String signature, String detail, Path saved) {
    }

    public record Report(String target, long executions, long accepted, long refused, int corpus, List<Finding> findings,
                         Duration elapsed, Map<String, Long> outcomes) {
        public String line() {
            double s = Math.max(1e-3, elapsed.toMillis() / 1000.0);
            return String.format("%-14s executions %9d  accepted %8d  refused %9d  corpus %5d  findings %d  %.0f s  %.0f exec/s",
                    target, executions, accepted, refused, corpus, findings.size(), s, executions / s);
        }
    }

    /**
     * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes, found reflectively: the tests run inside the
     * dev.cossim.core module, which does not (and should not) read the management modules.
     */
    private static final MethodHandle ALLOCATED;

    static {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> type = Class.forName("com.sun.management.ThreadMXBean");
            ALLOCATED = MethodHandles.publicLookup().findVirtual(type, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                    .bindTo(bean);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static long allocatedBytes() {
        try {
            return (long) ALLOCATED.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private final FuzzTarget target;
    private final Path dir;
    private final long hangMillis;
    private ExecutorService worker;
    private volatile Thread workerThread;
    private String lastName;

    /** A fuzzer for {@code target} working in a fresh directory under {@code workDir} (companion files written there). */
    public Fuzzer(FuzzTarget target, Path workDir) {
        this(target, workDir, Long.getLong("cossim.fuzz.hangMillis", 10_000));
    }

    Fuzzer(FuzzTarget target, Path workDir, long hangMillis) {
        this.target = target;
        this.hangMillis = hangMillis;
        try {
            Files.createDirectories(workDir);
            this.dir = Files.createTempDirectory(workDir, "fuzz-" + target.name() + "-");
            for (Map.Entry<String, byte[]> c : target.companions().entrySet()) {
                Files.write(dir.resolve(c.getKey()), c.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        newWorker();
    }

    private void newWorker() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + target.name());
            t.setDaemon(true);
            workerThread = t;
            return t;
        });
    }

    public Path directory() {
        return dir;
    }

    /** Runs the body on one input, read under {@code fileName}, and classifies what happened. */
    public Outcome execute(String fileName, byte[] input) {
        Path file = dir.resolve(fileName);
        try {
            if (lastName != null && !lastName.equals(fileName)) {
                Files.deleteIfExists(dir.resolve(lastName));
            }
            Files.write(file, input);
            lastName = fileName;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long onDisk = input.length + target.companions().values().stream().mapToLong(b -> b.length).sum();
        Future<Outcome> f = worker.submit(() -> runBody(file, onDisk));
        try {
            return f.get(hangMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Thread t = workerThread;
            String where = t == null ? "" : stack(t.getStackTrace());
            f.cancel(true);
            worker.shutdownNow();
            newWorker();
            return new Outcome(Kind.FINDING, "hang", "no result after " + hangMillis + " ms; the worker was at:\n" + where);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            return new Outcome(Kind.FINDING, "harness", trace(e.getCause()));
        }
    }

    private Outcome runBody(Path file, long onDisk) {
        long before = allocatedBytes();
        Outcome o;
        try {
            String result = target.body().run(file);
            o = new Outcome(Kind.ACCEPTED, "ok " + fold(result), null);
        } catch (CossimException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank()) {
                o = new Outcome(Kind.FINDING, "empty-message", trace(e));
            } else if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
                o = new Outcome(Kind.FINDING, "multi-line-message", trace(e));
            } else if (!m.contains(dir.getFileName().toString())) {
                o = new Outcome(Kind.FINDING, "message-without-file", trace(e));
            } else {
                o = new Outcome(Kind.REFUSED, fold(m.replace(dir.toString(), "")), null);
            }
        } catch (Throwable e) {
            o = new Outcome(Kind.FINDING, "exception", trace(e));
        }
        long allocated = allocatedBytes() - before;
        if (!o.isFinding() && allocated > ALLOC_FACTOR * onDisk + ALLOC_SLACK) {
            o = new Outcome(Kind.FINDING, "allocation", "allocated " + allocated + " bytes reading " + onDisk
                    + " bytes on disk (" + o.kind() + ": " + o.feature() + ")");
        }
        return o;
    }

    /**
     * Mutates the seeds for {@code budget} with a generator seeded by {@code seed}; each distinct finding's input is
     * saved under {@code findingsDir/TARGET/} (when not null) with its detail beside it.
     */
    public Report fuzz(long seed, Duration budget, Path findingsDir) {
        SplittableRandom random = new SplittableRandom(seed);
        int maxSize = 2 * target.seeds().stream().mapToInt(s -> s.bytes().length).max().orElse(0) + 4096;
        Mutator mutator = new Mutator(random, maxSize);
        List<FuzzTarget.Seed> corpus = new ArrayList<>(target.seeds());
        // The inputs that were read (seeds and new results): half the parents come from here, so that the run keeps
        // working past the first checks instead of drifting into inputs that only the parser sees.
        List<FuzzTarget.Seed> accepted = new ArrayList<>(target.seeds());
        Set<String> features = new HashSet<>();
        Map<String, Long> outcomes = new HashMap<>();
        Map<String, Finding> findings = new HashMap<>();
        long executions = 0;
        long acceptedCount = 0;
        long refused = 0;
        long start = System.nanoTime();
        long end = start + budget.toNanos();
        // The seeds themselves first: each must be accepted (a seed the reader refuses is a broken target).
        for (FuzzTarget.Seed s : target.seeds()) {
            Outcome o = execute(s.fileName(), s.bytes());
            executions++;
            if (o.kind() != Kind.ACCEPTED) {
                record(findings, "seed-not-accepted", o.feature() + (o.detail() == null ? "" : "\n" + o.detail()), s, findingsDir);
            } else {
                acceptedCount++;
            }
            features.add(o.feature());
        }
        while (System.nanoTime() < end && findings.size() < MAX_FINDINGS) {
            List<FuzzTarget.Seed> pool = random.nextBoolean() ? accepted : corpus;
            FuzzTarget.Seed parent = pool.get(random.nextInt(pool.size()));
            byte[] other = corpus.get(random.nextInt(corpus.size())).bytes();
            FuzzTarget.Seed child = new FuzzTarget.Seed(parent.fileName(), mutator.mutate(parent.bytes(), other, target.dictionary()));
            Outcome o = execute(child.fileName(), child.bytes());
            executions++;
            switch (o.kind()) {
                case ACCEPTED -> acceptedCount++;
                case REFUSED -> refused++;
                case FINDING -> {
                    record(findings, o.feature() + " " + signature(o.detail()), o.detail(), child, findingsDir);
                    if (o.feature().equals("hang")) {
                        end = 0; // the worker may still be running it: stop here
                    }
                }
            }
            if (!o.isFinding() && (outcomes.size() < 100_000 || outcomes.containsKey(o.feature()))) {
                outcomes.merge(o.feature(), 1L, Long::sum);
            }
            if (!o.isFinding() && features.add(o.feature())) {
                if (o.kind() == Kind.ACCEPTED && accepted.size() < MAX_CORPUS) {
                    accepted.add(child);
                }
                if (corpus.size() >= MAX_CORPUS) {
                    corpus.set(target.seeds().size() + random.nextInt(corpus.size() - target.seeds().size()), child);
                } else {
                    corpus.add(child);
                }
            }
        }
        List<Finding> list = new ArrayList<>(findings.values());
        list.sort(Comparator.comparing(Finding::signature));
        return new Report(target.name(), executions, acceptedCount, refused, corpus.size(), list,
                Duration.ofNanos(System.nanoTime() - start), outcomes);
    }

    private void record(Map<String, Finding> findings, String signature, String detail, FuzzTarget.Seed input, Path findingsDir) {
        if (findings.containsKey(signature)) {
            return;
        }
        Path saved = null;
        if (findingsDir != null) {
            try {
                Path d = Files.createDirectories(findingsDir.resolve(target.name()));
                String base = signature.split(" ")[0] + "-" + sha1(input.bytes()).substring(0, 12);
                saved = Files.write(d.resolve(base + "@" + input.fileName()), input.bytes());
                Files.write(d.resolve(base + ".txt"), (signature + "\n" + detail + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        findings.put(signature, new Finding(signature, detail, saved));
    }

    /** The inputs of a target's committed regression corpus: resources {@code /fuzz/NAME/*@FILENAME}. */
    public static List<FuzzTarget.Seed> regressionCorpus(Class<?> anchor, String targetName) {
        URL url = anchor.getResource("/fuzz/" + targetName);
        if (url == null || !url.getProtocol().equals("file")) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<FuzzTarget.Seed> out = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                int at = n.indexOf('@');
                if (at > 0 && Files.isRegularFile(p)) {
                    out.add(new FuzzTarget.Seed(n.substring(at + 1), Files.readAllBytes(p)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Digits folded to '#' and cut to 80 characters: the outcome's shape, not its numbers. */
    static String fold(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("[0-9]+", "#");
        return t.length() > 80 ? t.substring(0, 80) : t;
    }

    /** The exception class and the first frame in cossim's code (or the first frame): one finding per bug. */
    static String signature(String detail) {
        if (detail == null) {
            return "";
        }
        String[] lines = detail.split("\n");
        String head = lines[0].split(":")[0];
        String frame = null;
        for (String l : lines) {
            String t = l.strip();
            if (t.startsWith("at dev.cossim.") && !t.startsWith("at dev.cossim.fuzz.")) {
                frame = t.substring(3);
                break;
            }
            if (frame == null && t.startsWith("at ")) {
                frame = t.substring(3);
            }
        }
        return head + (frame == null ? "" : " " + frame.replaceAll("\\(.*", ""));
    }

    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static String stack(StackTraceElement[] frames) {
        StringBuilder b = new StringBuilder();
        for (StackTraceElement f : frames) {
            b.append("\tat ").append(f).append('\n');
        }
        return b.toString();
    }

    static String sha1(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover scratch directory under the work dir is harmless
        }
    }
}
