package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.ParameterException;
import dev.cossim.analysis.Analysis;
import dev.cossim.analysis.Search;
import dev.cossim.matrix.Metric;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.CancellationException;

/** Entry point: {@code cossim <command> ...}. User errors print one line and exit 2; --debug adds the stack trace. */
@Command(name = "cossim", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Exact all-pairs and nearest-neighbour similarity of embedding matrices.")
public final class Main {
    /**
     * Every command, in the order {@code cossim --help} lists them (in a holder class, so that a command line of one
     * command loads none of the others). They are added to the command line when it is built ({@link #commandLine}),
     * not declared in the annotation: picocli reflects over every declared command and its options, mixins and types,
     * which cost about 0.3 s of CPU on each start; a command line that runs one command builds that command only.
     */
    static final class All {
        static final List<Class<?>> COMMANDS = List.of(InfoCommand.class, PairCommand.class, NeighborsCommand.class,
                AllPairsCommand.class, NearDuplicatesCommand.class, TopPairsCommand.class, RowStatsCommand.class,
                SubmatrixCommand.class, CorrelationVsCosineCommand.class, CompareCommand.class, PlotCommand.class,
                ReportCommand.class, QueryCommand.class, NormsCommand.class, EmbedCommand.class, SubstringsCommand.class,
                GenerateBatchesCommand.class, WriteGgufCommand.class, CommandLine.HelpCommand.class);
    }

    /**
     * Each command's name and aliases and its class, by name, so that finding the one to build loads no other
     * (CliTest checks it against the commands' annotations).
     */
    static final Map<String, String> COMMAND_CLASSES = Map.ofEntries(
            Map.entry("info", "dev.cossim.cli.InfoCommand"), Map.entry("pair", "dev.cossim.cli.PairCommand"),
            Map.entry("neighbors", "dev.cossim.cli.NeighborsCommand"), Map.entry("neighbours", "dev.cossim.cli.NeighborsCommand"),
            Map.entry("all-pairs", "dev.cossim.cli.AllPairsCommand"), Map.entry("near-duplicates", "dev.cossim.cli.NearDuplicatesCommand"),
            Map.entry("top-pairs", "dev.cossim.cli.TopPairsCommand"), Map.entry("row-stats", "dev.cossim.cli.RowStatsCommand"),
            Map.entry("submatrix", "dev.cossim.cli.SubmatrixCommand"),
            Map.entry("correlation-vs-cosine", "dev.cossim.cli.CorrelationVsCosineCommand"),
            Map.entry("corr-vs-cos", "dev.cossim.cli.CorrelationVsCosineCommand"), Map.entry("compare", "dev.cossim.cli.CompareCommand"),
            Map.entry("plot", "dev.cossim.cli.PlotCommand"), Map.entry("report", "dev.cossim.cli.ReportCommand"),
            Map.entry("query", "dev.cossim.cli.QueryCommand"), Map.entry("norms", "dev.cossim.cli.NormsCommand"),
            Map.entry("embed", "dev.cossim.cli.EmbedCommand"), Map.entry("substrings", "dev.cossim.cli.SubstringsCommand"),
            Map.entry("generate-batches", "dev.cossim.cli.GenerateBatchesCommand"),
            Map.entry("write-gguf", "dev.cossim.cli.WriteGgufCommand"));

    /**
     * The cossim command line with every command, or, when {@code first} (the first argument) names one other than
     * help, with that one only: it parses, runs and explains that command exactly as the whole would.
     */
    static CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(new Main());
        String only = first == null ? null : COMMAND_CLASSES.get(first);
        if (only != null) {
            try {
                cl.addSubcommand(Class.forName(only));
                return cl;
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        for (Class<?> c : All.COMMANDS) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    static boolean debug;
    static boolean verbose;

    /** Read before parsing (see run); declared here so every command accepts it, inherited like --help. */
    @picocli.CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debugOption;

    /** Read before parsing (see run), like --debug. */
    @picocli.CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Also print which tile kernel runs and why (the summary's time line names it anyway), and whether the rows are streamed.")
    boolean verboseOption;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** The commands that compute with a tile kernel (the others never load one). */
    private static final java.util.Set<String> KERNEL_COMMANDS = java.util.Set.of("pair", "neighbors", "neighbours",
            "all-pairs", "near-duplicates", "top-pairs", "row-stats", "submatrix", "correlation-vs-cosine", "compare",
            "plot", "report", "query");

    /**
     * Starts loading the kernel a computing command will ask for (OpenBLAS: about 0.3 s) on a side thread before the
     * arguments are parsed, so that the load overlaps the parsing and the reading of the input; for all-pairs also
     * reading the rows ({@link #preloadRows}), for query the scan's warm-up. A {@code --kernel} the parser will refuse
     * is only a wasted preload: the command fails on it as before.
     */
    private static void preloadKernel(String[] args) {
        if (args.length == 0 || !KERNEL_COMMANDS.contains(args[0]) || Arrays.asList(args).contains("--help")
                || Arrays.asList(args).contains("-h")) {
            return;
        }
        String kernel = Objects.requireNonNullElse(optionValue(args, "--kernel"), "auto");
        Analysis.preloadKernel(kernel);
        Metric metric;
        int k;
        try {
            String m = optionValue(args, "--metric"), top = optionValue(args, "-k", "--top-k");
            metric = m == null ? Metric.COSINE : Metric.parse(m);
            k = top == null ? 10 : Integer.parseInt(top);
        } catch (RuntimeException e) {
            return; // the parser will say what is wrong
        }
        if (args[0].equals("all-pairs")) {
            preloadRows(args, metric);
        } else if (args[0].equals("query") && k >= 1) {
            // The scan's warm-up (metric and k as given, else cosine and 10), so that it runs while the arguments are
            // parsed and the corpus opened rather than beside the first batch's blocks (see Search.warmUpInBackground).
            Search.warmUpInBackground(metric, k, kernel);
        }
    }

    /** all-pairs options that change neither the model read nor its rows (each with its value, if it takes one). */
    private static final Map<String, Boolean> ROW_NEUTRAL_OPTIONS = Map.ofEntries(Map.entry("-k", true),
            Map.entry("--top-k", true), Map.entry("--bins", true), Map.entry("--range", true), Map.entry("--metric", true),
            Map.entry("--threads", true), Map.entry("--kernel", true), Map.entry("-o", true), Map.entry("--out", true),
            Map.entry("--save-matrix", true), Map.entry("--dtype", true), Map.entry("--checkpoint", true),
            Map.entry("--checkpoint-every", true), Map.entry("--verbose", false), Map.entry("--debug", false),
            Map.entry("--resume", false));

    /**
     * For all-pairs of every row of one model (the first argument after the command, or the embedded default model
     * when there is none) with no option that selects rows or changes how the model is read: starts opening the model
     * and packing its rows on a side thread now, while picocli builds and parses the command line
     * ({@link Analysis#preloadRows}); the request takes them over, or drops them if this guessed wrong.
     */
    private static void preloadRows(String[] args, Metric metric) {
        int i = 1;
        String spec = null;
        if (args.length > 1 && !args[1].startsWith("-")) {
            spec = args[1];
            i = 2;
        }
        for (; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            Boolean takesValue = ROW_NEUTRAL_OPTIONS.get(a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a);
            if (takesValue == null) {
                return; // a second model, a row selection, --tensor, --vocab, --position, a typo: leave it to the request
            }
            if (takesValue && eq < 0) {
                i++;
            }
        }
        Analysis.preloadRows(spec, metric);
    }

    /**
     * The value of the last of the options {@code names} on the command line ({@code NAME VALUE} or
     * {@code NAME=VALUE}), or null when none is there: for guesses made before picocli parses the arguments.
     */
    private static String optionValue(String[] args, String... names) {
        String value = null;
        for (int i = 1; i < args.length; i++) {
            for (String name : names) {
                if (args[i].equals(name) && i + 1 < args.length) {
                    value = args[i + 1];
                } else if (args[i].startsWith(name + "=")) {
                    value = args[i].substring(name.length() + 1);
                }
            }
        }
        return value;
    }

    /** Runs one command line; returns the exit code (0 ok, 1 internal error, 2 bad input or usage, 130 interrupted). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        debug = Arrays.asList(args).contains("--debug");
        verbose = Arrays.asList(args).contains("--verbose");
        preloadKernel(args);
        CommandLine cl = commandLine(args.length > 0 ? args[0] : null);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            // The full command path, e.g. "cossim plot heatmap", so that the hint names a command that exists.
            String path = ex.getCommandLine().getCommandSpec().qualifiedName(" ");
            err.println("cossim: error: " + ex.getMessage() + " (see '" + path + " --help')");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (debug) {
                ex.printStackTrace(err);
            }
            if (ex instanceof ParameterException pe) {
                err.println("cossim: error: " + render(pe, c));
                return 2;
            }
            if (ex instanceof CossimException) {
                err.println("cossim: error: " + ex.getMessage());
                return 2;
            }
            if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                // A full disk, a read-only or vanished output: the user's problem, told in one line.
                java.io.IOException io = ex instanceof java.io.UncheckedIOException u ? u.getCause() : (java.io.IOException) ex;
                err.println("cossim: error: " + describe(io));
                return 2;
            }
            if (ex instanceof CancellationException) {
                err.println("cossim: interrupted; no output was written");
                return 130;
            }
            err.println("cossim: internal error: " + ex + (debug ? "" : " (run with --debug for the stack trace)"));
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("cossim: error: out of memory; raise the heap with JAVA_OPTS=-Xmx... or select fewer rows");
            return 2;
        }
    }

    /** An I/O failure in one line that names the file where the JDK says which. */
    static String describe(java.io.IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return a.getFile() + ": permission denied" + (a.getReason() != null ? " (" + a.getReason() + ")" : "");
        }
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + ": no such file or directory";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        String m = e.getMessage();
        return "cannot write or read the output: " + (m == null ? e.getClass().getSimpleName() : m.replace('\n', ' '));
    }

    /** Library parameters whose option has another name than "--" + the parameter. */
    private static final Map<String, List<String>> OPTION_NAMES = Map.of(
            "top-pairs", List.of("--count"),
            "matrix file", List.of("--save-matrix"),
            "heatmap size", List.of("--size", "--blocks"),
            "sample-pairs", List.of("--samples"),
            "top-k", List.of("-k"),
            "k", List.of("-k"),
            "checkpoint interval", List.of("--checkpoint-every"),
            "unused pattern", List.of("--unused", "--pattern"));

    /** A library parameter error in the words of the command that ran: its option's name where it has one. */
    static String render(ParameterException pe, CommandLine c) {
        List<String> names = new java.util.ArrayList<>();
        names.add("--" + pe.parameter().replace(' ', '-'));
        names.addAll(OPTION_NAMES.getOrDefault(pe.parameter(), List.of()));
        for (String n : names) {
            if (c.getCommandSpec().optionsMap().containsKey(n)) {
                return pe.renderAs(n);
            }
        }
        return pe.getMessage();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"cossim " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
