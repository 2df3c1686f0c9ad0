package dev.cossim.spark;

import dev.cossim.CossimException;
import dev.cossim.output.AtomicFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The output directory of a Spark job on any Hadoop file system (local, HDFS, S3A): every file is written under a
 * hidden temporary directory beside the target (named as {@link AtomicFile#tempName} names one), renamed into place
 * by {@link #commit()}, deleted by {@link #close()} otherwise. It goes through Hadoop's file system rather than
 * {@link AtomicFile}, which works on local paths only. The target must not exist yet, as with Spark's default save mode.
 */
final class SparkOutputDir implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path work;
    private boolean committed;

    SparkOutputDir(Configuration conf, String target) {
        try {
            Path t = new Path(target);
            this.fs = t.getFileSystem(conf);
            this.target = fs.makeQualified(t);
            if (fs.exists(this.target)) {
                throw new CossimException(target + ": already exists; give a new output directory");
            }
            Path parent = this.target.getParent();
            this.work = new Path(parent, AtomicFile.tempName(this.target.getName()));
            fs.mkdirs(work);
        } catch (IOException e) {
            throw new CossimException(target + ": cannot create output directory: " + e.getMessage(), e);
        }
    }

    /** Where to write {@code name} now (a Parquet data set or a file). */
    String path(String name) {
        return new Path(work, name).toString();
    }

    /** The path {@code name} will have once committed. */
    String finalPath(String name) {
        return new Path(target, name).toString();
    }

    void writeText(String name, String text) {
        try (FSDataOutputStream out = fs.create(new Path(work, name), false)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CossimException(finalPath(name) + ": cannot write: " + e.getMessage(), e);
        }
    }

    void commit() {
        try {
            if (!fs.rename(work, target)) {
                throw new CossimException(target + ": cannot move results into place (did it appear while the job ran?)");
            }
            committed = true;
        } catch (IOException e) {
            throw new CossimException(target + ": cannot move results into place: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                fs.delete(work, true);
            } catch (IOException ignored) {
                // best effort: the hidden .partial directory is all that can be left
            }
        }
    }
}
