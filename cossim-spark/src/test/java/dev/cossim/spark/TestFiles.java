package dev.cossim.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Input files for the Spark tests, written per their formats. */
final class TestFiles {
    private TestFiles() {
    }

    /** A float32 .npy file (format 1.0: magic, version, little-endian header length, dict padded to 64 bytes). */
    static Path npy(Path file, float[] m, int n, int d) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", " + d + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * m.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : m) {
            b.putFloat(v);
        }
        Files.write(file, b.array());
        return file;
    }

    /** The rows {@code ids} of m as Parquet (id: long, vector: array<double>), written in shuffled order. */
    static String parquet(SparkSession spark, Path dir, float[] m, int d, int[] ids, long seed) {
        List<Row> rows = new ArrayList<>();
        for (int id : ids) {
            List<Double> v = new ArrayList<>(d);
            for (int k = 0; k < d; k++) {
                v.add((double) m[id * d + k]);
            }
            rows.add(RowFactory.create((long) id, v));
        }
        Collections.shuffle(rows, new Random(seed));
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("vector", DataTypes.createArrayType(DataTypes.DoubleType, false), true);
        String path = dir.toString();
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
        return path;
    }

    /**
     * Reads neighbors.parquet (id, rank, neighbor_id, similarity) by id and checks that every row's list equals
     * {@code want}'s, ids and similarities, tie order included; returns the rows by id for further checks.
     */
    static java.util.Map<Integer, List<Row>> assertNeighbors(SparkSession spark, Path parquet, dev.cossim.results.NeighborTable want) {
        java.util.Map<Integer, List<Row>> byId = new java.util.TreeMap<>();
        for (Row row : spark.read().parquet(parquet.toString()).collectAsList()) {
            byId.computeIfAbsent(row.getInt(0), x -> new ArrayList<>()).add(row);
        }
        org.junit.jupiter.api.Assertions.assertEquals(want.rows(), byId.size());
        for (int r0 = 0; r0 < want.rows(); r0++) {
            dev.cossim.results.Neighbors nb = want.neighbors(r0);
            List<Row> got = byId.get(nb.id());
            got.sort((a, b) -> Integer.compare(a.getInt(1), b.getInt(1)));
            int[] ids = got.stream().mapToInt(x -> x.getInt(2)).toArray();
            float[] sims = new float[got.size()];
            for (int q = 0; q < sims.length; q++) {
                sims[q] = got.get(q).getFloat(3);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(nb.ids(), ids, "neighbours of " + nb.id());
            org.junit.jupiter.api.Assertions.assertArrayEquals(nb.similarities(), sims, "similarities of " + nb.id());
        }
        return byId;
    }
}
