package dev.cossim.spark;

import org.apache.spark.TaskContext;

import java.io.Serializable;

/**
 * Called at the start of every tile task with its context; tests make a task fail on its first attempt to show
 * that retries give identical results. Production jobs use {@link #NONE}.
 */
@FunctionalInterface
public interface TaskFault extends Serializable {
    void check(TaskContext context);

    TaskFault NONE = context -> {
    };
}
