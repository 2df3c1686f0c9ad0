package dev.cossim.cli;

import dev.cossim.CossimException;
import dev.cossim.engine.PairSet;
import dev.cossim.engine.Tile;
import dev.cossim.engine.TileReducer;
import dev.cossim.output.AnalysisReport;
import dev.cossim.output.AtomicFile;
import dev.cossim.output.NpyMatrixWriter;
import dev.cossim.vocab.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code --save-matrix FILE.npy}: runs an analysis and, in the same pass, streams every tile into the .npy file; beside
 * it, {@code FILE.rows.tsv} (and {@code FILE.cols.tsv} for an A x B run) says which original row each matrix row is.
 */
final class MatrixExport {
    private MatrixExport() {
    }

    /** An analysis reducer and the matrix sink fed the same tiles. */
    static final class Tee<R extends TileReducer<R>> implements TileReducer<Tee<R>> {
        final R first;
        final NpyMatrixWriter.Sink sink;

        Tee(R first, NpyMatrixWriter.Sink sink) {
            this.first = first;
            this.sink = sink;
        }

        @Override
        public void accept(Tile tile) {
            sink.accept(tile);
            first.accept(tile);
        }

        @Override
        public void merge(Tee<R> other) {
            first.merge(other.first);
        }
    }

    static <R extends TileReducer<R>> R run(AnalysisCommand c, AnalysisCommand.Prepared p, Path file, String dtype, Supplier<R> reducers) {
        var engine = c.engine(p.metric());
        if (file == null) {
            return p.pairs().run(engine, reducers, c.progress());
        }
        if (!file.getFileName().toString().endsWith(".npy")) {
            throw new CossimException("--save-matrix " + file + ": the file name must end in .npy");
        }
        NpyMatrixWriter.Precision precision = NpyMatrixWriter.Precision.parse(dtype);
        PairSet ps = p.pairs();
        try (NpyMatrixWriter w = NpyMatrixWriter.create(file, ps.sizeA(), ps.sizeB(), precision)) {
            Tee<R> t = ps.run(engine, () -> new Tee<>(reducers.get(), w.sink(ps, p.metric().selfValue())), c.progress());
            String stem = w.target().toString().substring(0, w.target().toString().length() - 4);
            int[] ids = ps.rows().ids();
            Vocabulary v = p.model().vocabulary();
            writeIds(Path.of(stem + ".rows.tsv"), ids, 0, ps.sizeA(), v);
            if (ps.rectangular()) {
                writeIds(Path.of(stem + ".cols.tsv"), ids, ps.split(), ps.rows().size(), v);
            }
            w.commit();
            c.matrixNote = String.format(Locale.ROOT, "matrix:    %s (%,d x %,d %s, %,d bytes; row ids in %s)", w.target(), ps.sizeA(), ps.sizeB(),
                    precision.name().toLowerCase(Locale.ROOT), w.bytes(), Path.of(stem + ".rows.tsv").getFileName()
                            + (ps.rectangular() ? ", " + Path.of(stem + ".cols.tsv").getFileName() : ""));
            return t.first;
        }
    }

    /** index (matrix row or column), original id and token, written under a temporary name and renamed. */
    private static void writeIds(Path file, int[] ids, int from, int to, Vocabulary v) {
        try (AtomicFile f = AtomicFile.create(file)) {
            List<List<String>> rows = new ArrayList<>(to - from);
            for (int r = from; r < to; r++) {
                rows.add(List.of(Integer.toString(r - from), Integer.toString(ids[r]), AnalysisReport.token(v, ids[r])));
            }
            AnalysisReport.writeTsv(f.temp(), List.of("index", "id", "token"), rows);
            f.commit();
        } catch (IOException e) {
            throw CossimException.inFile(file, "cannot write: " + e.getMessage());
        }
    }
}
