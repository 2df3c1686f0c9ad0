package dev.cossim.spark;

import dev.cossim.vocab.Vocabulary;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the vectors come from: a model file every executor can read at the same path (.npy, .safetensors, ...,
 * read as the CLI reads it, through {@code CorpusModel}: labels beside a batch file name its rows) or a Parquet data set with an id column and a vector column. Either way the rows
 * are prepared exactly as the single-machine engine prepares them (unit length; zero and non-finite rows left out
 * and reported) and cut into the engine's blocks.
 */
public interface VectorInput extends AutoCloseable {
    String description();

    Vocabulary vocabulary();

    int dim();

    /** Usable rows (neither zero nor non-finite). */
    int usableRows();

    /** Largest original id plus one. */
    int idLimit();

    int[] zeroRows();

    int[] nonFiniteRows();

    /** The panel pairs of an all-pairs layout, consecutive pairs (row by row) in the same partition. */
    JavaRDD<PanelPair> panelPairs(PanelLayout layout, int partitions);

    /** The usable rows cut into panels of at most {@code rows} rows, for a scan (the query corpus). */
    JavaRDD<Panel> chunks(int rows);

    /** Every usable row in id order, on the driver (queries). */
    Panel collect();

    @Override
    void close();

    /**
     * Opens {@code path}: Parquet when it ends in .parquet or is a directory of Parquet files (a Spark output),
     * else a model file (or batch files) through {@code CorpusModel}, as the CLI opens it.
     */
    static VectorInput open(SparkSession spark, String path, String tensor, String idColumn, String vectorColumn) {
        return isParquet(path) ? new ParquetInput(spark, path, idColumn, vectorColumn) : new ModelFileInput(spark, path, tensor);
    }

    static boolean isParquet(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".parquet") || lower.endsWith(".parquet/")) {
            return true;
        }
        if (lower.contains("://") && !lower.startsWith("file:")) {
            return true; // distributed stores hold data sets, not mapped model files
        }
        Path p = Path.of(lower.startsWith("file:") ? path.substring(5) : path);
        if (java.nio.file.Files.isDirectory(p)) {
            try (var s = java.nio.file.Files.list(p)) {
                return s.anyMatch(f -> f.getFileName().toString().endsWith(".parquet"));
            } catch (java.io.IOException e) {
                return false;
            }
        }
        return false;
    }
}
