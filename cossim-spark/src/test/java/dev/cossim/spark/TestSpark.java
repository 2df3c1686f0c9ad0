package dev.cossim.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local SparkSession for the Spark test classes: two cores, each task allowed two attempts (local[2,2]), Kryo
 * as on a cluster. It lives as long as the test JVM (Spark stops it in its shutdown hook), so the test classes
 * share one start-up.
 */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,2]")
                    // Local mode talks to itself only: keep the driver on loopback, not the host's interface address.
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .appName("cossim-spark tests")
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "4")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }
}
