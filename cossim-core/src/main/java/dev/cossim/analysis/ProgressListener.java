package dev.cossim.analysis;

/** Told how much work there is and how much is done; called from worker threads, so implementations are thread-safe. */
public interface ProgressListener {
    void begin(String task, long total);

    void advance(long done);

    void end();

    ProgressListener NONE = new ProgressListener() {
        @Override
        public void begin(String task, long total) {
        }

        @Override
        public void advance(long done) {
        }

        @Override
        public void end() {
        }
    };
}
