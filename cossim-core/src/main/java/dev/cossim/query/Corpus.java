package dev.cossim.query;

import dev.cossim.ParameterException;

import dev.cossim.CossimException;
import dev.cossim.source.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Batch files searched as one corpus: global row {@code g} is row {@code g - firstRow} of the batch that holds it,
 * batches in the order given (a directory's batch files in natural name order: batch_2 before batch_10). Every batch
 * must agree on dimension, dtype and positions; a batch's labels come from a file beside it with the same stem and
 * the extension .txt or .jsonl, or from the files given, and must number exactly its rows.
 */
public final class Corpus implements AutoCloseable {
    /** One batch and where its rows start in the corpus; labels may be null. */
    public record Batch(int index, BatchFile data, Labels labels, long firstRow) {
        public long rows() {
            return data.rows();
        }
    }

    /** Where a global row lives. */
    public record Location(Batch batch, long row) {
    }

    private final List<Batch> batches;
    private final long rows;

    private Corpus(List<Batch> batches) {
        this.batches = List.copyOf(batches);
        long n = 0;
        for (Batch b : batches) {
            n += b.rows();
        }
        this.rows = n;
    }

    /**
     * @param inputs     batch files and directories of batch files
     * @param tensorName tensor to read from safetensors files with several, or null
     * @param labelFiles null to look for labels beside each batch; else one file per batch, in batch order
     */
    public static Corpus open(List<Path> inputs, String tensorName, List<Path> labelFiles) {
        List<Path> files = batchFiles(inputs);
        if (labelFiles != null && !labelFiles.isEmpty() && labelFiles.size() != files.size()) {
            throw new ParameterException("labels", labelFiles.size() + " file(s)", "for " + files.size()
                    + " batch file(s); give one per batch, in batch order");
        }
        List<Batch> out = new ArrayList<>();
        try {
            long first = 0;
            BatchFile ref = null;
            for (int i = 0; i < files.size(); i++) {
                Path p = files.get(i);
                BatchFile b = BatchFile.open(p, tensorName);
                Labels l = null;
                try {
                    if (ref != null) {
                        checkMatches(ref, b);
                    }
                    Path lp = labelFiles != null && !labelFiles.isEmpty() ? labelFiles.get(i) : labelsBeside(p);
                    if (lp != null) {
                        l = Labels.open(lp);
                        if (l.size() != b.rows()) {
                            throw CossimException.inFile(lp, l.size() + " labels for the " + b.rows() + " rows of " + p);
                        }
                    }
                } catch (RuntimeException e) {
                    b.close();
                    if (l != null) {
                        l.close();
                    }
                    throw e;
                }
                out.add(new Batch(i, b, l, first));
                first += b.rows();
                if (ref == null) {
                    ref = b;
                }
            }
        } catch (RuntimeException e) {
            out.forEach(Corpus::closeBatch);
            throw e;
        }
        return new Corpus(out);
    }

    private static void checkMatches(BatchFile ref, BatchFile b) {
        if (b.dim() != ref.dim()) {
            throw CossimException.inFile(b.path(), "vectors have dimension " + b.dim() + ", but " + ref.path() + " has " + ref.dim());
        }
        if (b.dtype() != ref.dtype()) {
            throw CossimException.inFile(b.path(), "dtype " + b.dtype() + " differs from " + ref.dtype() + " of " + ref.path());
        }
        if (b.rank() != ref.rank() || b.positions() != ref.positions()) {
            throw CossimException.inFile(b.path(), "shape " + b.describe() + " does not match " + ref.describe()
                    + " (every batch needs the same positions and dimension)");
        }
    }

    /** The batch files named, directories expanded to their batch files ({@link BatchFile#isBatchFile}) in natural order. */
    public static List<Path> batchFiles(List<Path> inputs) {
        if (inputs.isEmpty()) {
            throw new CossimException("no corpus given: name batch files or a directory of them");
        }
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> s = Files.list(in)) {
                    List<Path> found = s.filter(p -> Files.isRegularFile(p) && BatchFile.isBatchFile(p))
                            .sorted(Comparator.comparing(p -> p.getFileName().toString(), Corpus::naturalCompare)).toList();
                    if (found.isEmpty()) {
                        throw CossimException.inFile(in, "directory holds no batch files (" + BatchFile.KINDS + ")");
                    }
                    files.addAll(found);
                } catch (IOException e) {
                    throw CossimException.inFile(in, "cannot list directory: " + e.getMessage());
                }
            } else if (!Files.exists(in)) {
                throw CossimException.inFile(in, "no such file or directory");
            } else {
                files.add(in);
            }
        }
        return files;
    }

    /** X.npy's labels: X.txt, X.jsonl or X.labels beside it, else null. */
    static Path labelsBeside(Path batch) {
        String n = batch.getFileName().toString();
        String stem = n.substring(0, n.lastIndexOf('.'));
        for (String ext : new String[]{".jsonl", ".txt", ".labels"}) {
            Path p = batch.resolveSibling(stem + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** Compares names with runs of digits as numbers: batch_2 < batch_10. */
    static int naturalCompare(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i), cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i, sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String da = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String db = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    public List<Batch> batches() {
        return batches;
    }

    public long rows() {
        return rows;
    }

    public int dim() {
        return batches.getFirst().data().dim();
    }

    public DType dtype() {
        return batches.getFirst().data().dtype();
    }

    public int positions() {
        return batches.getFirst().data().positions();
    }

    public int rank() {
        return batches.getFirst().data().rank();
    }

    /** Resolves a token position for this corpus (negative counts from the end). */
    public int position(Integer position) {
        BatchFile f = batches.getFirst().data();
        return BatchFile.resolvePosition(position, f.positions(), f.rank(), f.path());
    }

    public Location locate(long row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        int lo = 0, hi = batches.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (batches.get(mid).firstRow() <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Batch b = batches.get(lo);
        return new Location(b, row - b.firstRow());
    }

    /** The row's label, or {@code file:row} when its batch has no labels. */
    public String label(long row) {
        Location l = locate(row);
        return l.batch().labels() != null ? l.batch().labels().get((int) l.row())
                : l.batch().data().path().getFileName() + ":" + l.row();
    }

    public boolean hasLabels() {
        return batches.stream().allMatch(b -> b.labels() != null);
    }

    /**
     * The first row labelled {@code label}, or -1. A linear scan: labels stay on disk. A row of a batch without labels
     * is found by the name {@link #label} shows for it, {@code file:row} (e.g. {@code batch_00000.npy:5}).
     */
    public long find(String label) {
        int colon = label.lastIndexOf(':');
        if (colon > 0 && colon < label.length() - 1 && label.substring(colon + 1).chars().allMatch(Character::isDigit)
                && label.length() - colon - 1 <= 18) {
            String file = label.substring(0, colon);
            long row = Long.parseLong(label.substring(colon + 1));
            for (Batch b : batches) {
                if (b.labels() == null && b.data().path().getFileName().toString().equals(file) && row < b.rows()) {
                    return b.firstRow() + row;
                }
            }
        }
        for (Batch b : batches) {
            if (b.labels() == null) {
                continue;
            }
            for (int i = 0; i < b.labels().size(); i++) {
                if (b.labels().get(i).equals(label)) {
                    return b.firstRow() + i;
                }
            }
        }
        return -1;
    }

    /** A row's vector at a resolved position, as doubles. */
    public double[] vector(long row, int position) {
        Location l = locate(row);
        return l.batch().data().rowAsDoubles(l.row(), position);
    }

    private static void closeBatch(Batch b) {
        b.data().close();
        if (b.labels() != null) {
            b.labels().close();
        }
    }

    @Override
    public void close() {
        batches.forEach(Corpus::closeBatch);
    }
}
