package dev.cossim.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.source.NpyFile;
import dev.cossim.source.Tensor;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The helper {@code cossim-spark/cluster-test.sh} runs beside the cluster (in a local[1] Spark of its own, to read and
 * write Parquet): it writes the Parquet input of the cluster run, and compares what the cluster wrote with what
 * {@code cossim} wrote for the same file. Every difference is printed; the exit code is the number of kinds that
 * differ (0: identical).
 * <pre>
 *   write-parquet M.npy DIR                       id (long) + vector (array&lt;float&gt;), rows shuffled in 4 files
 *   all-pairs SPARK_DIR CLI_ALL_PAIRS_DIR CLI_NEAR_DUPLICATES_DIR [--no-tokens]
 *   query SPARK_DIR CLI_QUERY.tsv
 * </pre>
 */
public final class ClusterCheck {
    private final List<String> differences = new ArrayList<>();
    private final SparkSession spark;

    private ClusterCheck(SparkSession spark) {
        this.spark = spark;
    }

    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("cossim cluster check")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        ClusterCheck check = new ClusterCheck(spark);
        try {
            switch (args[0]) {
                case "write-parquet" -> check.writeParquet(Path.of(args[1]), Path.of(args[2]));
                case "all-pairs" -> check.allPairs(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
                        args.length > 4 && args[4].equals("--no-tokens"));
                case "query" -> check.query(Path.of(args[1]), Path.of(args[2]));
                default -> throw new IllegalArgumentException("unknown check " + args[0]);
            }
        } finally {
            spark.stop();
        }
        for (String d : check.differences) {
            System.out.println("DIFFERENT: " + d);
        }
        System.exit(Math.min(check.differences.size(), 100));
    }

    private void writeParquet(Path npy, Path dir) {
        List<Row> rows = new ArrayList<>();
        try (NpyFile f = NpyFile.open(npy)) {
            Tensor t = f.tensor(f.tensors().getFirst().name());
            int n = (int) t.shape()[0];
            int d = (int) t.shape()[1];
            float[] m = new float[n * d];
            t.readFloats(0, m, 0, n * d);
            for (int i = 0; i < n; i++) {
                List<Float> v = new ArrayList<>(d);
                for (int k = 0; k < d; k++) {
                    v.add(m[i * d + k]);
                }
                rows.add(RowFactory.create((long) i, v));
            }
        }
        java.util.Collections.shuffle(rows, new java.util.Random(7));
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), true);
        spark.createDataFrame(rows, schema).repartition(4).write().parquet(dir.toString());
        System.out.println("wrote " + rows.size() + " rows to " + dir);
    }

    /** @param noTokens the Spark input has no vocabulary (Parquet): the extreme pairs are compared without tokens */
    private void allPairs(Path sparkDir, Path cliDir, Path nearDupDir, boolean noTokens) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode s = json.readTree(sparkDir.resolve("summary.json").toFile());
        JsonNode c = json.readTree(cliDir.resolve("summary.json").toFile());
        for (String key : List.of("n", "dim", "pairs", "excluded_rows")) {
            same("summary.json " + key, c.get(key), s.get(key));
        }
        for (String key : List.of("min", "max")) {
            for (String field : noTokens ? List.of("similarity", "i", "j") : List.of("similarity", "i", "j", "token_i", "token_j")) {
                same("summary.json " + key + "." + field, c.get(key).get(field), s.get(key).get(field));
            }
        }
        for (String key : List.of("lo", "hi", "bins", "counts")) {
            same("summary.json histogram " + key, c.get("histogram").get(key), s.get("histogram").get(key));
        }
        close("summary.json mean", c.get("mean").asDouble(), s.get("mean").asDouble());
        close("summary.json std", c.get("std").asDouble(), s.get("std").asDouble());

        // neighbors.tsv: id token rank neighbor_id neighbor_token similarity
        Map<String, String> want = new TreeMap<>();
        for (String[] r : tsv(cliDir.resolve("neighbors.tsv"))) {
            want.put(r[0] + "/" + r[2], r[3] + " " + Float.parseFloat(r[5]));
        }
        Map<String, String> got = new TreeMap<>();
        for (Row r : spark.read().parquet(sparkDir.resolve("neighbors.parquet").toString()).collectAsList()) {
            got.put(r.getInt(0) + "/" + r.getInt(1), r.getInt(2) + " " + r.getFloat(3));
        }
        sameMaps("neighbors", want, got);

        // Near-duplicate groups: the CLI's groups.tsv (group size pairs min max id token) against groups.parquet.
        JsonNode nd = json.readTree(nearDupDir.resolve("summary.json").toFile());
        same("near-duplicate pairs", nd.get("pairs_found"), s.get("near_duplicates").get("pairs"));
        same("near-duplicate groups", nd.get("groups"), s.get("near_duplicates").get("groups"));
        TreeSet<String> wantGroups = groups(tsv(nearDupDir.resolve("groups.tsv")).stream()
                .map(r -> new long[] {Long.parseLong(r[0]), Long.parseLong(r[5])}).toList());
        TreeSet<String> gotGroups = groups(spark.read().parquet(sparkDir.resolve("groups.parquet").toString())
                .collectAsList().stream().map(r -> new long[] {((Number) r.get(0)).longValue(), ((Number) r.get(2)).longValue()}).toList());
        if (!wantGroups.equals(gotGroups)) {
            differences.add("near-duplicate groups: " + wantGroups.size() + " in the CLI's groups.tsv, " + gotGroups.size()
                    + " in groups.parquet, members differ");
        }
        System.out.println("all-pairs: compared the summary, " + want.size() + " neighbour entries and "
                + wantGroups.size() + " near-duplicate groups");
    }

    private void query(Path sparkDir, Path cliTsv) throws IOException {
        // query rank row file file_row score label; the CLI names a query by its label "row Q". cossim query rescores
        // its winners in double from the stored values, Spark reports the kernel's float32 value of the unit rows: the
        // same rows in the same order, scores equal to float32 rounding (1e-6).
        Map<String, double[]> want = new TreeMap<>();
        for (String[] r : tsv(cliTsv)) {
            want.put(r[0].replaceFirst("^row ", "") + "/" + r[1], new double[] {Long.parseLong(r[2]), Double.parseDouble(r[5])});
        }
        Map<String, double[]> got = new TreeMap<>();
        for (Row r : spark.read().parquet(sparkDir.resolve("neighbors.parquet").toString()).collectAsList()) {
            got.put(r.getInt(0) + "/" + r.getInt(1), new double[] {r.getInt(2), r.getFloat(3)});
        }
        if (want.size() != got.size()) {
            differences.add("query: " + want.size() + " result entries from cossim, " + got.size() + " from Spark");
        }
        double worst = 0;
        for (var e : want.entrySet()) {
            double[] g = got.get(e.getKey());
            if (g == null || g[0] != e.getValue()[0] || Math.abs(g[1] - e.getValue()[1]) > 1e-6) {
                differences.add("query " + e.getKey() + ": cossim row " + (long) e.getValue()[0] + " " + e.getValue()[1]
                        + ", Spark " + (g == null ? "none" : "row " + (long) g[0] + " " + g[1]));
            } else {
                worst = Math.max(worst, Math.abs(g[1] - e.getValue()[1]));
            }
        }
        System.out.printf(java.util.Locale.ROOT, "query: compared %d result entries: same rows in the same order,"
                + " largest score difference %.2g%n", want.size(), worst);
    }

    /** Groups as sorted member lists, from (group, member) pairs. */
    private static TreeSet<String> groups(List<long[]> members) {
        Map<Long, TreeSet<Long>> byGroup = new TreeMap<>();
        for (long[] m : members) {
            byGroup.computeIfAbsent(m[0], x -> new TreeSet<>()).add(m[1]);
        }
        TreeSet<String> out = new TreeSet<>();
        byGroup.values().forEach(g -> out.add(g.toString()));
        return out;
    }

    private void sameMaps(String what, Map<String, String> want, Map<String, String> got) {
        if (want.size() != got.size()) {
            differences.add(what + ": " + want.size() + " entries from cossim, " + got.size() + " from Spark");
        }
        int shown = 0;
        for (var e : want.entrySet()) {
            String g = got.get(e.getKey());
            if (!e.getValue().equals(g) && shown++ < 5) {
                differences.add(what + " " + e.getKey() + ": cossim " + e.getValue() + ", Spark " + g);
            }
        }
    }

    private void same(String what, JsonNode want, JsonNode got) {
        if (want == null || !want.equals(got)) {
            differences.add(what + ": cossim " + shorter(want) + ", Spark " + shorter(got));
        }
    }

    private static String shorter(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private void close(String what, double want, double got) {
        if (Math.abs(want - got) > 1e-12 * Math.max(1, Math.abs(want))) {
            differences.add(what + ": cossim " + want + ", Spark " + got);
        }
    }

    private static List<String[]> tsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.subList(1, lines.size()).stream().map(l -> l.split("\t", -1)).toList();
    }
}
