package dev.cossim.fuzz;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The long fuzz run of one target, for bench/fuzz.sh:
 * {@code FuzzMain TARGET --seconds S [--seed N] [--findings DIR] [--work DIR]}, or {@code FuzzMain --list}.
 * Prints one report line (executions, accepted, refused, findings) and each finding; exits 1 when there are findings.
 */
public final class FuzzMain {
    private FuzzMain() {
    }

    public static List<FuzzTarget> targets() {
        List<FuzzTarget> all = new ArrayList<>(CoreFuzzTargets.all());
        for (FuzzTargetProvider p : ServiceLoader.load(FuzzTargetProvider.class)) {
            all.addAll(p.targets());
        }
        return all;
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--list")) {
            targets().forEach(t -> System.out.println(t.name()));
            return;
        }
        String name = args[0];
        double seconds = 60;
        long seed = System.nanoTime();
        Path findings = Path.of("target/fuzz-findings");
        Path work = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 1; i < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--findings" -> findings = Path.of(args[i + 1]);
                case "--work" -> work = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        FuzzTarget target = targets().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fuzz target " + name));
        Fuzzer.Report r;
        try (Fuzzer f = new Fuzzer(target, work)) {
            System.out.println("fuzzing " + name + " in " + f.directory() + " seed " + seed);
            r = f.fuzz(seed, Duration.ofMillis((long) (seconds * 1000)), findings);
        }
        System.out.println(r.line());
        if (Boolean.getBoolean("cossim.fuzz.verbose")) {
            r.outcomes().entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
                    .forEach(e -> System.out.println("  " + e.getValue() + "  " + e.getKey()));
        }
        for (Fuzzer.Finding x : r.findings()) {
            System.out.println("FINDING " + x.signature() + " -> " + x.saved());
        }
        System.exit(r.findings().isEmpty() ? 0 : 1);
    }
}
