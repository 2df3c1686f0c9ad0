package dev.cossim.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local SparkSession for the Spark test classes: two cores, each task allowed two attempts (local[2,2]), Kryo
 * as on a cluster. Stopped when the last class using it is done.
 */
final class TestSpark {
    private static SparkSession session;
    private static int users;

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,2]")
                    .appName("cossim-spark tests")
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "4")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        users++;
        return session;
    }

    static synchronized void release() {
        if (--users == 0) {
            session.stop();
            session = null;
        }
    }
}
