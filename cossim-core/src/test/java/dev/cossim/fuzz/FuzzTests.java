package dev.cossim.fuzz;

import org.junit.jupiter.api.DynamicTest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tests every module's fuzz test factory makes of its targets: the committed regression corpus replayed (each
 * input must give a result or a one-line error naming the file), then a short seeded fuzz run (seconds, set by
 * {@code -Dcossim.fuzz.seconds}, seed {@code -Dcossim.fuzz.seed}) with no findings. Findings are saved under
 * {@code target/fuzz-findings/TARGET/} for the regression corpus.
 */
public final class FuzzTests {
    private FuzzTests() {
    }

    public static List<DynamicTest> of(Class<?> anchor, List<FuzzTarget> targets, Path work) {
        double seconds = Double.parseDouble(System.getProperty("cossim.fuzz.seconds", "3"));
        long seed = Long.getLong("cossim.fuzz.seed", 20261202L);
        Path findings = Path.of(System.getProperty("cossim.fuzz.findings", "target/fuzz-findings"));
        List<DynamicTest> tests = new ArrayList<>();
        for (FuzzTarget t : targets) {
            tests.add(DynamicTest.dynamicTest(t.name() + ": regression corpus", () -> {
                List<FuzzTarget.Seed> corpus = Fuzzer.regressionCorpus(anchor, t.name());
                try (Fuzzer f = new Fuzzer(t, work)) {
                    List<String> bad = new ArrayList<>();
                    for (FuzzTarget.Seed s : corpus) {
                        Fuzzer.Outcome o = f.execute(s.fileName(), s.bytes());
                        if (o.isFinding()) {
                            bad.add(o.feature() + " " + Fuzzer.signature(o.detail()) + "\n" + o.detail());
                        }
                    }
                    for (FuzzTarget.Seed s : t.seeds()) {
                        Fuzzer.Outcome o = f.execute(s.fileName(), s.bytes());
                        assertEquals(Fuzzer.Kind.ACCEPTED, o.kind(), () -> t.name() + ": a seed is not read: " + o.feature());
                    }
                    assertTrue(bad.isEmpty(), () -> t.name() + ": " + bad.size() + " of " + corpus.size()
                            + " regression inputs break the contract:\n" + String.join("\n", bad));
                }
            }));
            tests.add(DynamicTest.dynamicTest(t.name() + ": fuzz " + seconds + " s", () -> {
                Fuzzer.Report r;
                try (Fuzzer f = new Fuzzer(t, work)) {
                    r = f.fuzz(seed, Duration.ofMillis((long) (seconds * 1000)), findings);
                }
                System.out.println("fuzz " + r.line());
                if (!r.findings().isEmpty()) {
                    fail(t.name() + ": " + r.findings().size() + " findings (inputs in " + findings.resolve(t.name()).toAbsolutePath() + "):\n"
                            + r.findings().stream().map(x -> x.signature() + "\n" + x.detail()).collect(Collectors.joining("\n")));
                }
                assertTrue(r.executions() > t.seeds().size(), "the fuzzer ran");
            }));
        }
        return tests;
    }
}
