package dev.cossim.spark;

import org.apache.spark.Partitioner;

/** Panel pairs to partitions by their row-by-row number, so consecutive pairs (sharing panel P) stay together. */
final class PairPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final int panels;
    private final int partitions;

    PairPartitioner(int panels, int partitions) {
        this.panels = panels;
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        long k = (Long) key;
        long p = PanelLayout.first(k), q = PanelLayout.second(k);
        long number = p * panels - p * (p - 1) / 2 + (q - p);
        long total = (long) panels * (panels + 1) / 2;
        return (int) (number * partitions / total);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairPartitioner pp && pp.panels == panels && pp.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return 31 * panels + partitions;
    }
}
