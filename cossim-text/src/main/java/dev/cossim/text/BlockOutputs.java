package dev.cossim.text;

import dev.cossim.ParameterException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The intermediate tensors of each transformer block of an ONNX graph, found by the node names the PyTorch exporter
 * gives (the module path, e.g. {@code /encoder/layer.3/attention/output/dense/Add}). A block is the scope
 * {@code .../layer.N/} (also {@code layers.N}, {@code block.N}); per block:
 * <ul>
 *   <li>{@code hidden}: the residual stream after the block, the tensor the block hands on: produced inside the scope
 *       and read outside it (by the next block or as a graph output), the last such one (BERT: the output LayerNorm);</li>
 *   <li>{@code attention}: the attention output projection, before the residual add: the output of the last node of
 *       the module {@code attention/output/dense} (BERT, RoBERTa, MiniLM...) or {@code attention/out_lin} (DistilBERT);</li>
 *   <li>{@code ffn}: the feed-forward output, before the residual add: the last node of {@code output/dense} (BERT)
 *       or {@code ffn/lin2} (DistilBERT).</li>
 * </ul>
 * Any other tensor is captured by its own name.
 */
public final class BlockOutputs {
    public static final List<String> COMPONENTS = List.of("hidden", "attention", "ffn");
    private static final Map<String, List<String>> MODULES = Map.of(
            "attention", List.of("attention/output/dense/", "attention/out_lin/"),
            "ffn", List.of("output/dense/", "ffn/lin2/"));
    private static final Pattern LAYER = Pattern.compile("^(.*?/(?:layer|layers|block|blocks)\\.)(\\d+)/");

    /** One tensor to capture: of a block's component, or any tensor by name (layer and component null). */
    public record Capture(Integer layer, String component, String tensor) {
        /** The batch tree it is written to, relative to the output directory: {@code layer03/attention}. */
        public String dir() {
            return layer != null ? String.format(Locale.ROOT, "layer%02d/%s", layer, component) : "tensors/" + safe(tensor);
        }
    }

    private final Map<Integer, Map<String, String>> layers;
    private final Set<String> tensors;

    private BlockOutputs(Map<Integer, Map<String, String>> layers, Set<String> tensors) {
        this.layers = layers;
        this.tensors = tensors;
    }

    public static String describe(String component) {
        return switch (component) {
            case "hidden" -> "residual stream after the block";
            case "attention" -> "attention output projection (before the residual add)";
            case "ffn" -> "feed-forward output (before the residual add)";
            default -> throw new IllegalArgumentException(component);
        };
    }

    public static BlockOutputs of(OnnxGraph g) {
        List<OnnxGraph.Node> nodes = g.nodes();
        // The stack of blocks: the scope prefix (e.g. "/encoder/layer.") that numbers the most blocks.
        Map<String, Set<Integer>> stacks = new LinkedHashMap<>();
        for (OnnxGraph.Node n : nodes) {
            Matcher m = LAYER.matcher(n.name());
            if (m.find()) {
                stacks.computeIfAbsent(m.group(1), k -> new java.util.TreeSet<>()).add(Integer.parseInt(m.group(2)));
            }
        }
        String stack = null;
        for (var e : stacks.entrySet()) {
            if (stack == null || e.getValue().size() > stacks.get(stack).size()) {
                stack = e.getKey();
            }
        }
        Map<Integer, Map<String, String>> out = new TreeMap<>();
        if (stack == null) {
            return new BlockOutputs(out, g.tensors());
        }
        int[] layerOf = new int[nodes.size()];
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            OnnxGraph.Node n = nodes.get(i);
            layerOf[i] = layerIn(n.name(), stack);
            for (String o : n.outputs()) {
                producer.put(o, i);
            }
            if (layerOf[i] < 0) {
                continue;
            }
            String rest = n.name().substring((stack + layerOf[i] + "/").length());
            Map<String, String> c = out.computeIfAbsent(layerOf[i], k -> new LinkedHashMap<>());
            for (var m : MODULES.entrySet()) {
                for (String module : m.getValue()) {
                    if (rest.startsWith(module) && !n.outputs().isEmpty()) {
                        c.put(m.getKey(), n.outputs().getFirst()); // the module's last node wins
                    }
                }
            }
        }
        // hidden: per block, the latest-produced tensor of the block that a node outside it (or the graph) reads.
        Map<Integer, Integer> latest = new HashMap<>();
        for (int i = 0; i <= nodes.size(); i++) {
            List<String> reads = i < nodes.size() ? nodes.get(i).inputs() : g.outputs();
            int reader = i < nodes.size() ? layerOf[i] : -1;
            for (String in : reads) {
                Integer p = producer.get(in);
                if (p != null && layerOf[p] >= 0 && layerOf[p] != reader && latest.getOrDefault(layerOf[p], -1) < p) {
                    latest.put(layerOf[p], p);
                    out.get(layerOf[p]).put("hidden", in);
                }
            }
        }
        return new BlockOutputs(out, g.tensors());
    }

    private static int layerIn(String name, String stack) {
        if (!name.startsWith(stack)) {
            return -1;
        }
        int i = stack.length(), j = i;
        while (j < name.length() && Character.isDigit(name.charAt(j))) {
            j++;
        }
        return j > i && j < name.length() && name.charAt(j) == '/' ? Integer.parseInt(name.substring(i, j)) : -1;
    }

    /** The blocks found, in order (0 .. n-1 for a BERT export). */
    public List<Integer> layers() {
        return List.copyOf(layers.keySet());
    }

    /** The tensor of a block's component, or null when the graph has none by these rules. */
    public String tensor(int layer, String component) {
        Map<String, String> c = layers.get(layer);
        return c == null ? null : c.get(component);
    }

    /** Every tensor a node produces. */
    public Set<String> tensors() {
        return tensors;
    }

    /**
     * What {@code outputs} (components and tensor names) at {@code layerSpec} ("all", or numbers and ranges such as
     * "0,3,5" or "0-2") capture, in layer order then the order given; tensor names are captured once, not per layer.
     */
    public List<Capture> resolve(List<String> outputs, String layerSpec) {
        List<Integer> chosen = null;
        List<Capture> out = new ArrayList<>();
        for (String o : outputs) {
            if (COMPONENTS.contains(o.toLowerCase(Locale.ROOT))) {
                if (chosen == null) {
                    chosen = layers(layerSpec);
                }
            } else if (!tensors.contains(o)) {
                throw new ParameterException("outputs", o, "neither a component (" + String.join(", ", COMPONENTS)
                        + ") nor a tensor of the graph (--list-outputs --verbose lists them)");
            }
        }
        if (chosen != null) {
            for (int layer : chosen) {
                for (String o : outputs) {
                    String c = o.toLowerCase(Locale.ROOT);
                    if (COMPONENTS.contains(c)) {
                        String t = tensor(layer, c);
                        if (t == null) {
                            throw new ParameterException("outputs", o, "no " + c + " tensor found in layer " + layer
                                    + " of this graph; name the tensor itself (--list-outputs --verbose)");
                        }
                        out.add(new Capture(layer, c, t));
                    }
                }
            }
        }
        for (String o : new java.util.LinkedHashSet<>(outputs)) {
            if (!COMPONENTS.contains(o.toLowerCase(Locale.ROOT))) {
                out.add(new Capture(null, null, o));
            }
        }
        return out;
    }

    private List<Integer> layers(String spec) {
        if (layers.isEmpty()) {
            throw new ParameterException("outputs", "hidden/attention/ffn", "the graph has no nodes named by block (.../layer.N/...); name tensors instead (--list-outputs --verbose)");
        }
        int first = layers.keySet().iterator().next();
        int last = ((TreeMap<Integer, ?>) layers).lastKey();
        String range = first + "-" + last;
        if (spec == null || spec.equalsIgnoreCase("all")) {
            return layers();
        }
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-', 1);
                int a = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int b = dash < 0 ? a : Integer.parseInt(p.substring(dash + 1).trim());
                for (int l = a; l <= b; l++) {
                    if (!layers.containsKey(l)) {
                        throw new ParameterException("layers", spec, "the model has layers " + range + "; layer " + l + " is out of range");
                    }
                    if (!out.contains(l)) {
                        out.add(l);
                    }
                }
                if (b < a) {
                    throw new ParameterException("layers", spec, "range " + p + " runs backwards");
                }
            } catch (NumberFormatException e) {
                throw new ParameterException("layers", spec, "give layer numbers (" + range + "), ranges such as 0-2, or all");
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** A tensor name as a directory name: characters other than letters, digits, '.', '-' and '_' become '_'. */
    static String safe(String tensor) {
        String s = tensor.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._]+", "");
        return s.isEmpty() ? "tensor" : s;
    }
}
