package dev.cossim.cli;

import dev.cossim.analysis.Analysis;
import dev.cossim.kernel.TileKernel;
import dev.cossim.source.EmbeddingModel;
import dev.cossim.text.HfTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "pair", description = "Cosine similarity of two tokens: by the engine's kernel and by a plain double loop, side by side.")
final class PairCommand extends ModelCommand implements Callable<Integer> {
    @Parameters(arity = "2..3", paramLabel = "[MODEL] A B", description = "Optional model, then two words, tokens or row ids.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        String modelSpec = modelOf(args, 2, "[MODEL] A B");
        List<String> ab = rest(args, 2);
        try (EmbeddingModel m = openModel(modelSpec); HfTokenizer tok = tokenizer(modelSpec)) {
            Term a = Term.resolve(ab.get(0), m, tok, "A");
            Term b = Term.resolve(ab.get(1), m, tok, "B");
            double[] va = a.meanVector(m);
            double[] vb = b.meanVector(m);
            TileKernel kernel = kernel();
            double reference = cosine(va, vb);
            float engine = engineCosine(kernel, va, vb);
            PrintWriter o = out();
            o.println("model: " + m.description());
            o.println("A: " + a.describe());
            o.println("B: " + b.describe());
            if (Double.isNaN(reference)) {
                o.println("cosine similarity: undefined (a zero vector or non-finite values)");
                return 2;
            }
            o.printf(Locale.ROOT, "cosine similarity (engine, %s kernel, float32): %.6f%n", kernel.name(), engine);
            o.printf(Locale.ROOT, "cosine similarity (plain double loop):         %.6f%n", reference);
            o.printf(Locale.ROOT, "difference: %.1e%n", Math.abs(engine - reference));
        }
        return 0;
    }

    /** The textbook formula in double: sum(a*b) / sqrt(sum(a^2) * sum(b^2)). */
    static double cosine(double[] a, double[] b) {
        double num = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            num += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? Double.NaN : num / Math.sqrt(na * nb);
    }

    /** What all-pairs does: normalise to float32 unit rows, then one 1 x 1 tile through the kernel. */
    static float engineCosine(TileKernel kernel, double[] a, double[] b) {
        float[] ua = Analysis.unit(a);
        float[] ub = Analysis.unit(b);
        if (ua == null || ub == null) {
            return Float.NaN; // a zero (or non-finite) vector has no direction, as cosine() says too
        }
        float[] out = new float[1];
        kernel.dots(ua, 0, 1, ub, 0, 1, a.length, out);
        return out[0];
    }
}
