package dev.cossim.spark;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Panels an executor has read and normalised, kept for its next tasks (least recently used dropped first, within a
 * fifth of the heap): the tile stage's tasks come in size order, not panel by panel, and each task needs two
 * panels, so without it an executor would read and normalise every panel many times. A panel is only read.
 */
final class ExecutorPanels {
    private static final long BUDGET = Runtime.getRuntime().maxMemory() / 5;
    private static final LinkedHashMap<String, Panel> PANELS = new LinkedHashMap<>(16, 0.75f, true);
    private static long bytes;

    private ExecutorPanels() {
    }

    /** The panel under {@code key}, read by {@code load} when this executor does not hold it. */
    static Panel get(String key, Supplier<Panel> load) {
        synchronized (PANELS) {
            Panel p = PANELS.get(key);
            if (p != null) {
                return p;
            }
        }
        Panel p = load.get(); // outside the lock: another task may read another panel meanwhile
        long size = size(p);
        synchronized (PANELS) {
            Panel had = PANELS.get(key);
            if (had != null) {
                return had;
            }
            if (size <= BUDGET) {
                for (Iterator<Map.Entry<String, Panel>> it = PANELS.entrySet().iterator(); bytes + size > BUDGET && it.hasNext(); ) {
                    bytes -= size(it.next().getValue());
                    it.remove();
                }
                PANELS.put(key, p);
                bytes += size;
            }
        }
        return p;
    }

    private static long size(Panel p) {
        return 4L * p.data.length + 4L * p.ids.length;
    }
}
