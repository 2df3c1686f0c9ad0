package dev.cossim.output;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The one TSV writer of every TSV file cossim writes: UTF-8, a tab between fields, {@code \n} after every row, and
 * RFC 4180 quoting on the tab delimiter, so that Python's readers with their defaults give back every field exactly:
 * <pre>
 * pandas.read_csv(path, sep='\t', keep_default_na=False, dtype=str)
 * csv.reader(open(path, newline='', encoding='utf-8'), delimiter='\t')
 * </pre>
 * A field is wrapped in double quotes iff it holds a tab, a {@code "}, a {@code \r} or a {@code \n}, with each inner
 * {@code "} doubled; every other field, {@code nan}, {@code NA}, {@code null}, the empty string and fields with
 * leading or trailing spaces included, is written bare (neither reader strips spaces by default, and
 * {@code keep_default_na=False} keeps {@code nan}, {@code NA} and empty fields as strings). The one exception is a
 * row of a single empty field, written {@code ""} so that it is not a blank line, which both readers skip. Backslashes
 * are plain characters. Numbers are the callers' strings, written as given.
 *
 * <p>One limit: pandas' default C parser ends a field at a NUL character however it is quoted ({@code csv} and
 * {@code engine='python'} read it back).
 */
public final class Tsv implements Closeable, Flushable {
    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);

    /** Rows to {@code out}, which the caller opened as UTF-8 where it is a stream; {@link #close()} closes it. */
    public Tsv(Writer out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** A new (or truncated) UTF-8 file. */
    public static Tsv create(Path file) throws IOException {
        return new Tsv(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Writes one row. */
    public Tsv row(String... fields) throws IOException {
        return row(Arrays.asList(fields));
    }

    /** Writes one row. */
    public Tsv row(List<String> fields) throws IOException {
        line.setLength(0);
        appendLine(line, fields);
        out.append(line);
        return this;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** A file of a header row and then {@code rows}. */
    public static void write(Path file, List<String> header, Iterable<? extends List<String>> rows) throws IOException {
        try (Tsv w = create(file)) {
            w.row(header);
            for (List<String> r : rows) {
                w.row(r);
            }
        }
    }

    /** One row as text, {@code \n} included (for output built as a string). */
    public static String line(String... fields) {
        return line(Arrays.asList(fields));
    }

    /** One row as text, {@code \n} included (for output built as a string). */
    public static String line(List<String> fields) {
        StringBuilder b = new StringBuilder();
        appendLine(b, fields);
        return b.toString();
    }

    /** One field as it is written: bare, or quoted with inner quotes doubled when {@link #needsQuotes} says so. */
    public static String field(String value) {
        if (!needsQuotes(value)) {
            return value;
        }
        StringBuilder b = new StringBuilder(value.length() + 8);
        appendQuoted(b, value);
        return b.toString();
    }

    /** Whether {@code value} holds a tab, {@code "}, {@code \r} or {@code \n}. */
    public static boolean needsQuotes(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\t' || ch == '"' || ch == '\n' || ch == '\r') {
                return true;
            }
        }
        return false;
    }

    private static void appendLine(StringBuilder b, List<String> fields) {
        if (fields.size() == 1 && fields.getFirst().isEmpty()) {
            b.append("\"\"\n");
            return;
        }
        for (int q = 0; q < fields.size(); q++) {
            if (q > 0) {
                b.append('\t');
            }
            String f = Objects.requireNonNull(fields.get(q), "a TSV field is null");
            if (needsQuotes(f)) {
                appendQuoted(b, f);
            } else {
                b.append(f);
            }
        }
        b.append('\n');
    }

    private static void appendQuoted(StringBuilder b, String value) {
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"') {
                b.append('"');
            }
            b.append(ch);
        }
        b.append('"');
    }
}
