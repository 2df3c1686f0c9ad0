package dev.cossim.testing;

import java.util.ArrayList;
import java.util.List;

/** A strict reader of RFC 4180 TSV (quoted fields, doubled quotes), as pandas and Python's csv module read it. */
public final class TsvReader {
    private TsvReader() {
    }

    /** The rows of {@code text} (each line ending in a newline), quoted fields unquoted. */
    public static List<List<String>> read(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int i = 0, n = text.length();
        boolean fieldStart = true;
        while (i < n) {
            char c = text.charAt(i);
            if (fieldStart && c == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quoted field");
                    }
                    char q = text.charAt(i++);
                    if (q == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            f.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        f.append(q);
                    }
                }
                if (i < n && text.charAt(i) != '\t' && text.charAt(i) != '\n') {
                    throw new IllegalArgumentException("text after a closing quote at " + i);
                }
                fieldStart = false;
                continue;
            }
            fieldStart = false;
            if (c == '\t') {
                row.add(f.toString());
                f.setLength(0);
                fieldStart = true;
            } else if (c == '\n') {
                row.add(f.toString());
                f.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                fieldStart = true;
            } else if (c == '"' || c == '\r') {
                throw new IllegalArgumentException("bare " + (c == '"' ? "quote" : "\\r") + " at " + i);
            } else {
                f.append(c);
            }
            i++;
        }
        if (!row.isEmpty() || f.length() > 0 || !fieldStart) {
            throw new IllegalArgumentException("last row does not end with \\n");
        }
        return rows;
    }

    /** The fields of one line (no trailing newline needed). */
    public static String[] fields(String line) {
        return read(line.endsWith("\n") ? line : line + "\n").getFirst().toArray(new String[0]);
    }
}
