package dev.cossim.spark;

import dev.cossim.CossimException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The spark-submit entry point: {@code cossim-spark all-pairs ...} and {@code cossim-spark query ...}. The master,
 * executors and JVM options come from spark-submit; a bad input is one line on stderr and exit code 2.
 */
@Command(name = "cossim-spark", mixinStandardHelpOptions = true, version = "cossim-spark 0.1.0",
        description = "Exact all-pairs and query similarity of embedding matrices on Apache Spark.",
        subcommands = {SparkAllPairsCommand.class, SparkQueryCommand.class})
public final class CossimSpark implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: all-pairs or query");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line; returns the exit code (0 ok, 2 bad input, 1 other failure). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new CossimSpark());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            CossimException ce = userError(e);
            PrintWriter err = cmd.getErr();
            if (ce != null) {
                err.println("cossim-spark: " + ce.getMessage());
                err.flush();
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }

    /** A user error thrown on the driver, or on an executor and carried back inside Spark's exceptions. */
    static CossimException userError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CossimException ce) {
                return ce;
            }
            String m = t.getMessage();
            String marker = CossimException.class.getName() + ": ";
            int at = m == null ? -1 : m.indexOf(marker);
            if (at >= 0) {
                String rest = m.substring(at + marker.length());
                int nl = rest.indexOf('\n');
                return new CossimException(nl < 0 ? rest : rest.substring(0, nl));
            }
        }
        return null;
    }

    /**
     * The job's session, with {@link CossimExecutorPlugin} added to any {@code spark.plugins} given (it readies each
     * executor when it starts: the kernel, and the summary pass's warm-up for {@code bins} and {@code topK} when
     * {@code bins > 0}).
     */
    static SparkSession session(String app, String kernel, int bins, int topK) {
        String plugins = new SparkConf().get("spark.plugins", "").trim();
        String ours = CossimExecutorPlugin.class.getName();
        if (!java.util.Arrays.asList(plugins.split("\\s*,\\s*")).contains(ours)) {
            plugins = plugins.isEmpty() ? ours : plugins + "," + ours;
        }
        SparkSession.Builder b = SparkSession.builder().appName(app).config("spark.plugins", plugins)
                .config(CossimExecutorPlugin.KERNEL, kernel == null ? "auto" : kernel);
        if (bins > 0) {
            b.config(CossimExecutorPlugin.BINS, bins).config(CossimExecutorPlugin.TOP_K, topK);
        }
        return b.getOrCreate();
    }
}
