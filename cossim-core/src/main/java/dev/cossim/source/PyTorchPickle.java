package dev.cossim.source;

import dev.cossim.CossimException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted reader of the pickle in a PyTorch file ({@code data.pkl}): the opcodes of protocols 2 to 5 that build
 * plain data (numbers, strings, tuples, lists, dicts, the memo, persistent ids), and a short allow-list of globals:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} (and {@code _rebuild_parameter},
 * {@code torch._tensor._rebuild_from_type_v2}), the {@code torch.*Storage} types and {@code torch.Size}. Nothing is
 * executed and no class is looked up: a global outside the list, or an opcode that would call or build an object
 * (NEWOBJ, INST, OBJ, EXT...), stops the read with one line naming the file. Every length is checked against the bytes
 * left before anything is allocated for it.
 */
final class PyTorchPickle {
    /** A global the pickle named (only allow-listed ones are ever made). */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A storage, as the persistent id {@code ('storage', torch.FloatStorage, key, location, numel)} names it. */
    record Storage(String type, String key, long numel) {
    }

    /** What {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)} describes: a view of a storage. */
    record TensorView(Storage storage, long offset, long[] shape, long[] stride) {
    }

    private static final Set<String> CALLABLE = Set.of(
            "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
            "torch._tensor._rebuild_from_type_v2", "torch.Size");
    private static final Set<String> VALUES = Set.of("torch.Tensor", "torch.nn.parameter.Parameter");
    private static final Object MARK = new Object();

    private final String origin;
    private final MemorySegment in;
    private long pos;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private PyTorchPickle(String origin, MemorySegment in) {
        this.origin = origin;
        this.in = in;
    }

    /**
     * The object the pickle in {@code in} describes; {@code what} names the pickle in messages (e.g. the file and
     * its member).
     */
    static Object load(String what, MemorySegment in) {
        return new PyTorchPickle(what, in).run();
    }

    private CossimException error(String msg) {
        return new CossimException(origin + ": " + msg);
    }

    private CossimException refused(String global) {
        return error("the pickle names '" + global + "', which cossim does not load (it reads tensors and dicts, lists"
                + " and tuples of them; no code is run); save the tensors alone: torch.save(model.state_dict(), f)");
    }

    private int u8() {
        need(1);
        return in.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
    }

    private void need(long n) {
        if (n < 0 || n > in.byteSize() - pos) {
            throw error("pickle ends early at byte " + pos + " (truncated or damaged)");
        }
    }

    private long le(int n) {
        need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (in.get(ValueLayout.JAVA_BYTE, pos + i) & 0xff);
        }
        pos += n;
        return v;
    }

    private byte[] bytes(long n) {
        need(n);
        byte[] b = in.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return b;
    }

    private String utf8(long n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String line() {
        long start = pos;
        while (true) {
            need(1);
            if (in.get(ValueLayout.JAVA_BYTE, pos) == '\n') {
                break;
            }
            pos++;
            if (pos - start > 256) {
                throw error("pickle GLOBAL name at byte " + start + " is implausibly long");
            }
        }
        String s = new String(in.asSlice(start, pos - start).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        pos++;
        return s;
    }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.getLast() == stack.size())) {
            throw error("pickle stack underflow at byte " + pos + " (damaged)");
        }
        Object o = stack.removeLast();
        if (o == MARK) {
            throw error("pickle stack underflow at byte " + pos + " (damaged)");
        }
        return o;
    }

    private Object top() {
        Object o = pop();
        stack.add(o);
        return o;
    }

    /** The items above the topmost mark, removed from the stack along with the mark. */
    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw error("pickle has no MARK where one is needed, at byte " + pos + " (damaged)");
        }
        int m = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Global global(String module, String name) {
        Global g = new Global(module, name);
        String q = g.qualified();
        boolean storage = module.equals("torch") && name.endsWith("Storage");
        if (!CALLABLE.contains(q) && !VALUES.contains(q) && !storage) {
            throw refused(q);
        }
        return g;
    }

    private Object run() {
        while (true) {
            long at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v < 2 || v > 5) {
                        throw error("pickle protocol " + v + " is not read (2 to 5 are)");
                    }
                }
                case 0x95 -> le(8); // FRAME: a length hint only
                case '.' -> { // STOP
                    Object result = pop();
                    return result;
                }
                case '(' -> {
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case ')' -> stack.add(List.of());
                case 't' -> stack.add(popMark());
                case 0x85 -> stack.add(new ArrayList<>(List.of(pop())));
                case 0x86 -> {
                    Object b = pop(), a = pop();
                    stack.add(new ArrayList<>(List.of(a, b)));
                }
                case 0x87 -> {
                    Object c = pop(), b = pop(), a = pop();
                    stack.add(new ArrayList<>(List.of(a, b, c)));
                }
                case ']' -> stack.add(new ArrayList<>());
                case 'l' -> stack.add(popMark());
                case 'a' -> {
                    Object v = pop();
                    list(top()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(top()).addAll(items);
                }
                case '}' -> stack.add(new LinkedHashMap<>());
                case 'd' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putAll(m, items);
                    stack.add(m);
                }
                case 's' -> {
                    Object v = pop(), k = pop();
                    putAll(dict(top()), List.of(k, v));
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    putAll(dict(top()), items);
                }
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'J' -> stack.add((long) (int) le(4));
                case 'K' -> stack.add((long) u8());
                case 'M' -> stack.add(le(2));
                case 0x8a -> { // LONG1
                    int n = u8();
                    if (n > 8) {
                        throw error("pickle integer of " + n + " bytes at byte " + at + " is too large");
                    }
                    long v = n == 0 ? 0 : le(n);
                    if (n > 0 && n < 8 && (v >>> (8 * n - 1)) != 0) {
                        v -= 1L << (8 * n); // two's complement
                    }
                    stack.add(v);
                }
                case 'G' -> {
                    need(8);
                    stack.add(in.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), pos));
                    pos += 8;
                }
                case 'X' -> stack.add(utf8(le(4)));
                case 0x8c -> stack.add(utf8(u8()));
                case 0x8d -> stack.add(utf8(le(8)));
                case 'T' -> stack.add(new String(bytes(le(4)), StandardCharsets.ISO_8859_1));
                case 'U' -> stack.add(new String(bytes(u8()), StandardCharsets.ISO_8859_1));
                case 'B' -> stack.add(bytes(le(4)));
                case 'C' -> stack.add(bytes(u8()));
                case 0x8e -> stack.add(bytes(le(8)));
                case 'c' -> {
                    String module = line();
                    stack.add(global(module, line()));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(), module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error("pickle STACK_GLOBAL at byte " + at + " without two names (damaged)");
                    }
                    stack.add(global(m, n));
                }
                case 'R' -> {
                    Object args = pop(), f = pop();
                    stack.add(call(f, args, at));
                }
                case 'b' -> pop(); // BUILD: an allow-listed object's state (an OrderedDict's _metadata): not needed
                case 'q' -> memo.put((long) u8(), top());
                case 'r' -> memo.put(le(4), top());
                case 0x94 -> memo.put((long) memo.size(), top());
                case 'h' -> stack.add(memo(u8(), at));
                case 'j' -> stack.add(memo(le(4), at));
                case 'Q' -> stack.add(storage(pop(), at));
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> stack.add(top());
                default -> throw error("pickle opcode 0x" + Integer.toHexString(op)
                        + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : "") + " at byte " + at
                        + " is not one cossim reads (it builds objects or is not in protocols 2 to 5)");
            }
        }
    }

    private Object memo(long key, long at) {
        if (!memo.containsKey(key)) {
            throw error("pickle refers to memo entry " + key + " that was never stored, at byte " + at + " (damaged)");
        }
        return memo.get(key);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw error("pickle appends to something that is not a list, at byte " + pos + " (damaged)");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error("pickle sets an item of something that is not a dict, at byte " + pos + " (damaged)");
    }

    private void putAll(Map<Object, Object> m, List<Object> kv) {
        if (kv.size() % 2 != 0) {
            throw error("pickle dict items are not in pairs, at byte " + pos + " (damaged)");
        }
        for (int i = 0; i < kv.size(); i += 2) {
            Object k = kv.get(i);
            if (!(k == null || k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double)) {
                throw error("pickle dict key of type " + k.getClass().getSimpleName() + " at byte " + pos + " is not read");
            }
            m.put(k, kv.get(i + 1));
        }
    }

    private Storage storage(Object pid, long at) {
        if (pid instanceof List<?> t && t.size() == 5 && "storage".equals(t.get(0)) && t.get(1) instanceof Global g
                && g.module().equals("torch") && g.name().endsWith("Storage") && t.get(2) instanceof String key
                && t.get(4) instanceof Long numel && numel >= 0) {
            return new Storage(g.name(), key, numel);
        }
        throw error("pickle has a persistent id at byte " + at + " that is not a torch storage");
    }

    private Object call(Object f, Object args, long at) {
        if (!(f instanceof Global g) || !CALLABLE.contains(g.qualified())) {
            throw f instanceof Global g ? refused(g.qualified())
                    : error("pickle REDUCE at byte " + at + " calls something that is not a global (damaged)");
        }
        if (!(args instanceof List<?> a)) {
            throw error("pickle REDUCE at byte " + at + " without an argument tuple (damaged)");
        }
        return switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                if (!a.isEmpty()) {
                    throw error("pickle builds an OrderedDict from arguments at byte " + at + "; only empty ones are read");
                }
                yield new LinkedHashMap<>();
            }
            case "torch.Size" -> a.size() == 1 && a.getFirst() instanceof List<?> l ? new ArrayList<>(l)
                    : badArgs(g, at);
            case "torch._utils._rebuild_parameter" -> a.size() >= 1 && a.getFirst() instanceof TensorView v ? v : badArgs(g, at);
            case "torch._tensor._rebuild_from_type_v2" -> {
                // (func, type, args, state): the tensor func(*args) rebuilds, its Python type and attributes ignored.
                if (a.size() >= 3 && a.get(0) instanceof Global inner && a.get(1) instanceof Global type
                        && VALUES.contains(type.qualified()) && a.get(2) instanceof List<?> innerArgs) {
                    yield call(inner, innerArgs, at);
                }
                yield badArgs(g, at);
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                if (a.size() >= 4 && a.get(0) instanceof Storage s && a.get(1) instanceof Long offset
                        && a.get(2) instanceof List<?> size && a.get(3) instanceof List<?> stride && size.size() == stride.size()) {
                    yield new TensorView(s, offset, longs(size, g, at), longs(stride, g, at));
                }
                yield badArgs(g, at);
            }
            default -> throw refused(g.qualified());
        };
    }

    private long[] longs(List<?> l, Global g, long at) {
        if (l.size() > 64) {
            throw error("pickle at byte " + at + " gives a tensor of " + l.size() + " dimensions");
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long v)) {
                badArgs(g, at);
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    private Object badArgs(Global g, long at) {
        throw error("pickle calls " + g.qualified() + " with arguments cossim does not understand, at byte " + at);
    }
}
