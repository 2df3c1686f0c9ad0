package dev.cossim.query;

import dev.cossim.engine.TileScheduler;

import dev.cossim.analysis.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Norm statistics of a corpus per batch file and per token position (the seed's check of whether norms vary enough
 * that cosine suits better than Euclidean distance), streamed a block of rows at a time on all threads.
 */
public final class CorpusNorms {
    /**
     * Statistics of batch {@code batch} (or -1 for all batches together) at position {@code position}, and the number
     * of padding slots left out of them.
     */
    public record Entry(int batch, int position, NormSummary summary, long padding) {
    }

    private CorpusNorms() {
    }

    /**
     * @param positions resolved positions to measure (every position of a 3-D corpus, or the one chosen)
     * @param tokens    which slots hold tokens, or null to measure every slot (padding then counts as zero vectors)
     * @return per batch and position, then per position over all batches (batch -1)
     */
    public static List<Entry> compute(Corpus corpus, int[] positions, TokenCounts tokens, int threads, int block, ProgressListener progress) {
        int d = corpus.dim();
        List<Entry> perBatch = new ArrayList<>();
        NormSummary[] totals = new NormSummary[positions.length];
        long[] totalPadding = new long[positions.length];
        for (int p = 0; p < positions.length; p++) {
            totals[p] = new NormSummary();
        }
        progress.begin("norms", corpus.rows() * positions.length);
        try (TileScheduler scheduler = new TileScheduler(Math.max(1, threads), "cossim-norms")) {
            for (Corpus.Batch b : corpus.batches()) {
                long blocks = (b.rows() + block - 1) / block;
                for (int p = 0; p < positions.length; p++) {
                    int pos = positions[p];
                    AtomicLong next = new AtomicLong();
                    AtomicLong padding = new AtomicLong();
                    int workers = (int) Math.max(1, Math.min(threads, blocks));
                    List<NormSummary> parts = scheduler.run(workers, w -> () -> {
                        NormSummary local = new NormSummary();
                        float[] buf = new float[block * d];
                        long q;
                        while ((q = next.getAndIncrement()) < blocks) {
                            long row0 = q * block;
                            int count = (int) Math.min(block, b.rows() - row0);
                            b.data().read(row0, count, pos, buf);
                            for (int j = 0; j < count; j++) {
                                if (tokens == null || tokens.holdsToken(b.index(), row0 + j, pos)) {
                                    local.addSquared(BlockPass.exactSquares(buf, j * d, d));
                                } else {
                                    padding.incrementAndGet();
                                }
                            }
                            progress.advance(count);
                        }
                        return local;
                    });
                    NormSummary s = new NormSummary();
                    parts.forEach(s::merge);
                    perBatch.add(new Entry(b.index(), pos, s, padding.get()));
                    totals[p].merge(s);
                    totalPadding[p] += padding.get();
                }
            }
        } finally {
            progress.end();
        }
        for (int p = 0; p < positions.length; p++) {
            perBatch.add(new Entry(-1, positions[p], totals[p], totalPadding[p]));
        }
        return perBatch;
    }
}
