package dev.cossim.query;

import dev.cossim.CossimException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Each row's token count for a corpus of per-token states [rows, positions, dim], so that the slots a text's tokens
 * fill can be told from padding: {@code X.tokens} beside each batch {@code X.npy}, one decimal count per line (as
 * {@code cossim embed --tokens} writes them). A text of {@code c} tokens fills {@code min(c, positions)} slots, from
 * the first slot, or ending at the last one when the batches are aligned at the end.
 */
public final class TokenCounts {
    public static final String SUFFIX = ".tokens";

    private final int[][] counts;
    private final int positions;
    private final boolean alignEnd;

    private TokenCounts(int[][] counts, int positions, boolean alignEnd) {
        this.counts = counts;
        this.positions = positions;
        this.alignEnd = alignEnd;
    }

    /** The token counts beside every batch of a 3-D corpus, or null when no batch has them (or the corpus is 2-D). */
    public static TokenCounts beside(Corpus c, boolean alignEnd) {
        if (c.rank() != 3) {
            return null;
        }
        int[][] counts = new int[c.batches().size()][];
        int found = 0;
        for (Corpus.Batch b : c.batches()) {
            Path p = besideBatch(b.data().path());
            if (Files.isRegularFile(p)) {
                counts[b.index()] = read(p, b.rows());
                found++;
            }
        }
        if (found == 0) {
            return null;
        }
        if (found < counts.length) {
            for (Corpus.Batch b : c.batches()) {
                if (counts[b.index()] == null) {
                    throw CossimException.inFile(besideBatch(b.data().path()), "missing, while other batches of the corpus have their token counts");
                }
            }
        }
        return new TokenCounts(counts, c.positions(), alignEnd);
    }

    /** {@code X.tokens} for batch {@code X.npy}. */
    public static Path besideBatch(Path batch) {
        String n = batch.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return batch.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + SUFFIX);
    }

    private static int[] read(Path p, long rows) {
        // rows is bounded by the batch file's real size (checked when it was opened), so this array is too.
        int[] out = new int[Math.toIntExact(rows)];
        int i = 0;
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.US_ASCII)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (i == out.length) {
                    throw CossimException.inFile(p, "more than the " + rows + " lines of its batch's rows");
                }
                try {
                    out[i] = Integer.parseInt(line.trim());
                } catch (NumberFormatException e) {
                    out[i] = -1;
                }
                if (out[i] < 0) {
                    throw CossimException.inFile(p, "line " + (i + 1) + ": '" + line + "' is not a token count");
                }
                i++;
            }
        } catch (IOException e) {
            throw CossimException.inFile(p, "cannot read: " + e.getMessage());
        }
        if (i != out.length) {
            throw CossimException.inFile(p, i + " token counts for the " + rows + " rows of its batch");
        }
        return out;
    }

    /** Whether slot {@code position} (resolved, 0-based) of row {@code row} of batch {@code batch} holds a token. */
    public boolean holdsToken(int batch, long row, int position) {
        int filled = Math.min(counts[batch][Math.toIntExact(row)], positions);
        return alignEnd ? position >= positions - filled : position < filled;
    }
}
