package dev.cossim.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Seeded mutations of an input, byte-level and text-level: bit flips, interesting bytes and integers (both byte
 * orders, favouring the first bytes where binary headers keep lengths), deletions, insertions, duplicated and
 * spliced ranges, truncation; for text formats numbers swapped for boundary values and tokens of the format's
 * dictionary inserted. The same random generator gives the same mutations.
 */
final class Mutator {
    private static final long[] INTERESTING = {0, 1, 2, -1, -2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
            0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, 100L << 20, 64, 63};
    private static final String[] NUMBERS = {"0", "1", "-1", "2147483647", "2147483648", "-2147483648", "4294967296",
            "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1e309", "-0",
            "1.5", "1e3", "NaN", "Infinity", "00", "0x10", "", "99999999999999999999999999"};
    private static final String[] TOKENS = {"{", "}", "[", "]", "\"", "'", ",", ":", "(", ")", "null", "true", "false",
            "\"\"", "{}", "[]", "\\u0000", "\\ud83d\\ude00", "\\ud83d", "\\udc00", "\\\"", "\\\\", "\u0000", "\n", "\r\n",
            "\t", " ", "L", "é", "\uD83D\uDE00", "<", ">", "&", "#", "/", "..", "../", "\\", "[UNK]", "<unk>", "\uFFFD"};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RandomGenerator random;
    private final int maxSize;

    Mutator(RandomGenerator random, int maxSize) {
        this.random = random;
        this.maxSize = maxSize;
    }

    /** One to four stacked mutations of {@code in}; {@code other} (another corpus entry) feeds splices. */
    byte[] mutate(byte[] in, byte[] other, List<String> dictionary) {
        byte[] b = in;
        int n = 1 + random.nextInt(random.nextInt(4) + 1);
        // A JSON document is mostly mutated as a tree (all stacked mutations), sometimes byte by byte.
        boolean asTree = in.length > 0 && in[0] == '{' && random.nextInt(4) != 0;
        for (int i = 0; i < n; i++) {
            byte[] t = asTree ? tree(b, other, dictionary) : null;
            b = t != null ? t : once(b, other, dictionary);
            if (b.length > maxSize) {
                b = Arrays.copyOf(b, maxSize);
            }
        }
        return b;
    }

    private byte[] once(byte[] b, byte[] other, List<String> dictionary) {
        if (b.length == 0) {
            return ascii(pick(TOKENS));
        }
        return switch (random.nextInt(14)) {
            case 0 -> {
                byte[] c = b.clone();
                int p = random.nextInt(c.length);
                c[p] ^= (byte) (1 << random.nextInt(8));
                yield c;
            }
            case 1 -> {
                byte[] c = b.clone();
                c[random.nextInt(c.length)] = (byte) random.nextInt(256);
                yield c;
            }
            case 2 -> {
                byte[] c = b.clone();
                c[position(c.length)] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                yield c;
            }
            case 3 -> integer(b);
            case 4 -> {
                int from = random.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + random.nextInt(random.nextBoolean() ? 4 : 64));
                yield splice(b, from, from + len, new byte[0]);
            }
            case 5 -> {
                byte[] ins = new byte[1 + random.nextInt(8)];
                random.nextBytes(ins);
                int p = random.nextInt(b.length + 1);
                yield splice(b, p, p, ins);
            }
            case 6 -> {
                int from = random.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + random.nextInt(256));
                int p = random.nextInt(b.length + 1);
                yield splice(b, p, p, Arrays.copyOfRange(b, from, from + len));
            }
            case 7 -> Arrays.copyOf(b, random.nextInt(b.length));
            case 8, 9 -> number(b);
            case 10, 11 -> {
                String t = !dictionary.isEmpty() && random.nextBoolean() ? pick(dictionary) : pick(TOKENS);
                int p = random.nextInt(b.length + 1);
                yield splice(b, p, p, t.getBytes(StandardCharsets.UTF_8));
            }
            case 12 -> {
                if (other == null || other.length == 0) {
                    yield b;
                }
                int cut = random.nextInt(b.length + 1);
                int from = random.nextInt(other.length);
                yield splice(b, cut, b.length, Arrays.copyOfRange(other, from, other.length));
            }
            default -> {
                int from = random.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + random.nextInt(16));
                String t = !dictionary.isEmpty() && random.nextBoolean() ? pick(dictionary) : pick(NUMBERS);
                yield splice(b, from, to, t.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /**
     * A JSON document mutated as a tree, so that the result is still JSON and gets past the parser to the checks
     * behind it: a value replaced (boundary numbers, dictionary strings, null, empty containers, another subtree of
     * this or the other document), a field or element removed or duplicated, a key renamed. Null when {@code b} is not
     * a JSON object.
     */
    private byte[] tree(byte[] b, byte[] other, List<String> dictionary) {
        JsonNode root;
        try {
            root = JSON.readTree(b);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        List<JsonNode> containers = new ArrayList<>();
        List<JsonNode> all = new ArrayList<>();
        collect(root, containers, all);
        if (other != null && other.length > 0 && other[0] == '{') {
            try {
                JsonNode o = JSON.readTree(other);
                if (o != null) {
                    collect(o, new ArrayList<>(), all);
                }
            } catch (IOException | RuntimeException e) {
                // only this document's subtrees then
            }
        }
        JsonNode c = containers.get(random.nextInt(containers.size()));
        if (c.isEmpty()) {
            return null;
        }
        if (c instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            String k = keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(4)) {
                case 0 -> o.remove(k);
                case 1 -> {
                    JsonNode v = o.remove(k);
                    o.set(dictionary.isEmpty() || random.nextBoolean() ? k + pick(TOKENS) : unquote(pick(dictionary)), v);
                }
                default -> o.set(k, value(all, dictionary));
            }
        } else if (c instanceof ArrayNode a) {
            int i = random.nextInt(a.size());
            switch (random.nextInt(4)) {
                case 0 -> a.remove(i);
                case 1 -> a.insert(i, a.get(i).deepCopy());
                default -> a.set(i, value(all, dictionary));
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode value(List<JsonNode> all, List<String> dictionary) {
        return switch (random.nextInt(8)) {
            case 0 -> NODES.numberNode(INTERESTING[random.nextInt(INTERESTING.length)]);
            case 1 -> NODES.numberNode(random.nextInt(64) - 8);
            case 2 -> NODES.textNode(dictionary.isEmpty() ? pick(TOKENS) : unquote(pick(dictionary)));
            case 3 -> NODES.textNode(pick(TOKENS));
            case 4 -> random.nextBoolean() ? NODES.nullNode() : NODES.booleanNode(random.nextBoolean());
            case 5 -> random.nextBoolean() ? NODES.objectNode() : NODES.arrayNode();
            default -> all.get(random.nextInt(all.size())).deepCopy();
        };
    }

    private static void collect(JsonNode n, List<JsonNode> containers, List<JsonNode> all) {
        all.add(n);
        if (n.isContainerNode()) {
            containers.add(n);
            for (JsonNode c : n) {
                collect(c, containers, all);
            }
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** A boundary integer written over 1, 2, 4 or 8 bytes, little- or big-endian. */
    private byte[] integer(byte[] b) {
        int width = 1 << random.nextInt(4);
        if (b.length < width) {
            return b;
        }
        byte[] c = b.clone();
        long v = INTERESTING[random.nextInt(INTERESTING.length)];
        if (random.nextInt(4) == 0) {
            v += random.nextInt(33) - 16;
        }
        int p = Math.min(position(c.length), c.length - width);
        boolean little = random.nextInt(4) != 0;
        for (int i = 0; i < width; i++) {
            int shift = 8 * (little ? i : width - 1 - i);
            c[p + i] = (byte) (v >>> shift);
        }
        return c;
    }

    /** A run of decimal digits (or a number-like token) replaced by a boundary value. */
    private byte[] number(byte[] b) {
        int start = random.nextInt(b.length);
        int s = -1;
        for (int i = 0; i < b.length; i++) {
            int j = (start + i) % b.length;
            if (b[j] >= '0' && b[j] <= '9') {
                s = j;
                break;
            }
        }
        if (s < 0) {
            return b;
        }
        while (s > 0 && (b[s - 1] >= '0' && b[s - 1] <= '9' || b[s - 1] == '-')) {
            s--;
        }
        int e = s;
        while (e < b.length && (b[e] >= '0' && b[e] <= '9' || b[e] == '-' || b[e] == '.')) {
            e++;
        }
        return splice(b, s, e, ascii(pick(NUMBERS)));
    }

    /** Positions near the start (where binary headers hold lengths and offsets) are chosen more often. */
    private int position(int length) {
        return random.nextInt(3) == 0 ? random.nextInt(Math.min(length, 16)) : random.nextInt(length);
    }

    private <T> T pick(T[] a) {
        return a[random.nextInt(a.length)];
    }

    private String pick(List<String> a) {
        return a.get(random.nextInt(a.size()));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] c = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(insert, 0, c, from, insert.length);
        System.arraycopy(b, to, c, from + insert.length, b.length - to);
        return c;
    }
}
