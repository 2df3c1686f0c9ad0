package dev.cossim.spark;

import dev.cossim.analysis.Analysis;
import dev.cossim.kernel.TileKernel;
import dev.cossim.matrix.Metric;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

import java.util.Map;

/**
 * Readies each executor JVM for cossim's tasks once, when the executor starts (Spark's {@code spark.plugins}; the
 * commands' sessions name it, see {@link CossimSpark#session}), instead of in its first tasks: the tile kernel is
 * chosen and loaded (OpenBLAS: the natives unpacked and loaded, about 0.3 s; the executor's kernel line), and the
 * fused summary pass's JIT warm-up starts on a side thread for the job's bins and top-k. An executor starts while
 * the driver is still opening the input and scanning it, so both are done before the tile stage; tasks wait for a
 * warm-up still running ({@link Analysis#awaitWarmUp}), so every tile takes the compiled pass. Then the tile tasks'
 * own path is rehearsed on synthetic panels ({@link ExecutorRehearsal}), so that their code is compiled too.
 */
public final class CossimExecutorPlugin implements SparkPlugin {
    static final String KERNEL = "spark.cossim.kernel";
    static final String BINS = "spark.cossim.bins";
    static final String TOP_K = "spark.cossim.topK";

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                SparkConf c = ctx.conf();
                if (c.contains(BINS)) {
                    Analysis.warmUpInBackground(Metric.COSINE, c.getInt(BINS, 2000), c.getInt(TOP_K, 10));
                }
                String kernel = c.get(KERNEL, "auto");
                // On a side thread: the executor registers and takes tasks meanwhile (a task asking for the kernel
                // waits for this one choice). A kernel that cannot load fails the tasks that need it, with its message.
                boolean rehearse = c.contains(BINS);
                int bins = c.getInt(BINS, 2000), topK = c.getInt(TOP_K, 10);
                Thread t = new Thread(() -> {
                    TileKernel k;
                    try {
                        k = ExecutorKernels.get(kernel);
                    } catch (RuntimeException e) {
                        System.err.println("cossim executor: kernel " + kernel + ": " + e.getMessage());
                        return;
                    }
                    if (rehearse && !k.name().equals("scalar")) { // the reference kernel is not run for speed
                        double seconds = ExecutorRehearsal.run(k, bins, topK);
                        System.err.printf("cossim executor: tile tasks rehearsed in %.2f s%n", seconds);
                    }
                }, "cossim-executor-kernel");
                t.setDaemon(true);
                t.start();
            }
        };
    }
}
