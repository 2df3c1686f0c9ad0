package dev.cossim.spark;

import org.apache.spark.Partitioner;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Panel pairs to partitions in the tile stage's order ({@link PanelLayout#pairsLargestFirst}): partition i takes the
 * i-th share of that order, so the partitions, started in index order, go from the largest pairs to the smallest.
 */
final class PairPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final PanelLayout layout;
    private final int partitions;
    /** Each pair's place in the order, computed where the partitioner is used (from the layout, not shipped). */
    private transient volatile Map<Long, Integer> place;

    PairPartitioner(PanelLayout layout, int partitions) {
        this.layout = layout;
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        if (place == null) {
            List<int[]> order = layout.pairsLargestFirst();
            Map<Long, Integer> m = new HashMap<>(order.size() * 2);
            for (int i = 0; i < order.size(); i++) {
                m.put(PanelLayout.key(order.get(i)[0], order.get(i)[1]), i);
            }
            place = m;
        }
        long total = place.size();
        return (int) ((long) place.get((Long) key) * partitions / total);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairPartitioner pp && pp.layout.rows == layout.rows && pp.layout.block == layout.block
                && pp.layout.panelBlocks == layout.panelBlocks && pp.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * layout.rows + layout.panelBlocks * 1024 + layout.block) + partitions;
    }
}
