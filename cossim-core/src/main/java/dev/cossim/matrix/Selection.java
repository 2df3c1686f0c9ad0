package dev.cossim.matrix;

import dev.cossim.ParameterException;

import dev.cossim.CossimException;
import dev.cossim.vocab.Vocabulary;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which rows take part in an analysis, applied in a fixed order: the listed ids and id ranges (all rows when none),
 * then the tokens matching a regular expression ({@code find}, so {@code ^\[unused} anchors at the start), then every
 * {@code stride}-th remaining row starting with the first (numpy's {@code [::stride]}), then a seeded uniform random
 * sample of {@code sample} of them. The result is sorted by id and has no duplicates.
 *
 * <p>A selection can be written as one spec string, {@code rows=0-999,1005;match=^\[unused;stride=3;sample=500;seed=7}
 * (every part optional, separated by ';'), which is how the second side of a rectangular run is given.
 */
public record Selection(String rows, String match, int stride, int sample, long seed) {
    public static final Selection ALL = new Selection(null, null, 1, 0, 0);

    public Selection {
        if (stride < 1) {
            throw new ParameterException("stride", stride, "must be at least 1");
        }
        if (sample < 0) {
            throw new ParameterException("sample", sample, "must be 0 (no sampling) or more");
        }
        if (match != null) {
            try {
                Pattern.compile(match);
            } catch (PatternSyntaxException e) {
                throw new ParameterException("match", match, "not a valid regular expression: " + e.getDescription());
            }
        }
    }

    public boolean isAll() {
        return rows == null && match == null && stride == 1 && sample == 0;
    }

    /** Parses {@code rows=...;match=...;stride=N;sample=N;seed=N}. */
    public static Selection parse(String spec, String option) {
        String rows = null, match = null;
        int stride = 1, sample = 0;
        long seed = 0;
        for (String part : spec.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new ParameterException(option, spec, "expected key=value parts (rows, match, stride, sample, seed) separated by ';', got '" + part + "'");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1);
            try {
                switch (key) {
                    case "rows", "ids" -> rows = value;
                    case "match" -> match = value;
                    case "stride" -> stride = Integer.parseInt(value.trim());
                    case "sample" -> sample = Integer.parseInt(value.trim());
                    case "seed" -> seed = Long.parseLong(value.trim());
                    default -> throw new ParameterException(option, spec, "unknown key '" + key + "' (rows, match, stride, sample, seed)");
                }
            } catch (NumberFormatException e) {
                throw new ParameterException(option, spec, "'" + value + "' is not a number for " + key);
            }
        }
        return new Selection(rows, match, stride, sample, seed);
    }

    /** The selected original ids among {@code total} rows, sorted. */
    public int[] apply(int total, Vocabulary vocab) {
        int[] ids;
        if (rows == null) {
            ids = new int[total];
            Arrays.setAll(ids, i -> i);
        } else {
            ids = parseRows(rows, total);
        }
        if (match != null) {
            Pattern p = Pattern.compile(match);
            ids = Arrays.stream(ids).filter(id -> {
                String t = vocab.token(id);
                return t != null && p.matcher(t).find();
            }).toArray();
        }
        if (stride > 1) {
            int[] s = new int[(ids.length + stride - 1) / stride];
            for (int i = 0; i < s.length; i++) {
                s[i] = ids[i * stride];
            }
            ids = s;
        }
        if (sample > 0 && sample < ids.length) {
            // Partial Fisher-Yates with a seeded generator: the same seed always picks the same rows.
            int[] pool = ids.clone();
            Random r = new Random(seed);
            for (int i = 0; i < sample; i++) {
                int j = i + r.nextInt(pool.length - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
            }
            ids = Arrays.copyOf(pool, sample);
            Arrays.sort(ids);
        }
        return ids;
    }

    /** Sorted unique ids of a list like {@code 1-998,1005,2000-2009} (ranges inclusive). */
    static int[] parseRows(String list, int total) {
        BitSet set = new BitSet();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-', 1);
            try {
                int lo = Integer.parseInt((dash < 0 ? p : p.substring(0, dash)).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
                if (lo < 0 || hi < lo) {
                    throw new ParameterException("rows", list, "'" + p + "' is not an id or an ascending range lo-hi of ids >= 0");
                }
                if (hi >= total) {
                    throw new ParameterException("rows", list, "id " + hi + " is out of range (the matrix has " + total + " rows)");
                }
                set.set(lo, hi + 1);
            } catch (NumberFormatException e) {
                throw new ParameterException("rows", list, "'" + p + "' is not an id or a range lo-hi");
            }
        }
        if (set.isEmpty()) {
            throw new ParameterException("rows", list, "no ids given");
        }
        return set.stream().toArray();
    }

    /** How the selection reads in reports, e.g. {@code match=^\[unused} or {@code all}. */
    public String describe() {
        if (isAll()) {
            return "all";
        }
        StringBuilder b = new StringBuilder();
        if (rows != null) {
            b.append("rows=").append(rows).append(';');
        }
        if (match != null) {
            b.append("match=").append(match).append(';');
        }
        if (stride > 1) {
            b.append("stride=").append(stride).append(';');
        }
        if (sample > 0) {
            b.append("sample=").append(sample).append(";seed=").append(seed).append(';');
        }
        return b.substring(0, b.length() - 1);
    }
}
