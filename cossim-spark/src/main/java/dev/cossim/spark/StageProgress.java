package dev.cossim.spark;

import dev.cossim.analysis.ProgressListener;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Tells a {@link ProgressListener} how many tasks of a job group's final stage have succeeded (a retried task counts
 * once, when it succeeds). Spark calls listeners on one thread, on the driver.
 */
final class StageProgress extends SparkListener {
    private final String jobGroup;
    private final ProgressListener progress;
    private volatile int stage = -1;

    StageProgress(String jobGroup, ProgressListener progress) {
        this.jobGroup = jobGroup;
        this.progress = progress;
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
        if (e.properties() != null && jobGroup.equals(e.properties().getProperty("spark.jobGroup.id"))) {
            int last = -1;
            var it = e.stageIds().iterator();
            while (it.hasNext()) {
                last = Math.max(last, (Integer) it.next());
            }
            stage = last;
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        if (e.stageId() == stage && e.reason() == Success$.MODULE$) {
            progress.advance(1);
        }
    }
}
