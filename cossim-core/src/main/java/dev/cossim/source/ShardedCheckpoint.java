package dev.cossim.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cossim.CossimException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sharded checkpoint: {@code model.safetensors.index.json} or {@code pytorch_model.bin.index.json} maps each tensor
 * name to a shard file ("weight_map"), a safetensors or a torch.save file beside it. Shards are opened only when one
 * of their tensors is asked for.
 */
public final class ShardedCheckpoint implements TensorFile {
    private final Path index;
    private final Map<String, String> weightMap;
    private final Map<String, TensorFile> open = new HashMap<>();

    private ShardedCheckpoint(Path index, Map<String, String> weightMap) {
        this.index = index;
        this.weightMap = weightMap;
    }

    public static ShardedCheckpoint open(Path index) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(index));
        } catch (IOException e) {
            throw CossimException.inFile(index, "cannot read the shard index: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw CossimException.inFile(index, "shard index has no weight_map object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (var it = wm.fields(); it.hasNext(); ) {
            var e = it.next();
            String shard = e.getValue().isTextual() ? e.getValue().asText() : null;
            // Hugging Face writes shard names as plain file names beside the index; anything else (a path, a NUL)
            // is refused rather than followed.
            if (shard == null || shard.isEmpty() || shard.equals(".") || shard.equals("..") || shard.indexOf('/') >= 0
                    || shard.indexOf('\\') >= 0 || shard.indexOf('\0') >= 0) {
                throw CossimException.inFile(index, "weight_map gives tensor '" + e.getKey() + "' the shard " + e.getValue()
                        + ", not a file name in the index's directory");
            }
            map.put(e.getKey(), shard);
        }
        return new ShardedCheckpoint(index, map);
    }

    @Override
    public String origin() {
        return index.toString();
    }

    @Override
    public Path directory() {
        return index.toAbsolutePath().getParent();
    }

    /** Every shard's listing; the shards' headers are read (cheap: headers only, data stays mapped). */
    @Override
    public List<TensorInfo> tensors() {
        List<TensorInfo> out = new ArrayList<>();
        for (String shard : new java.util.LinkedHashSet<>(weightMap.values())) {
            for (TensorInfo t : shard(shard).tensors()) {
                if (weightMap.containsKey(t.name())) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    public java.util.Set<String> names() {
        return weightMap.keySet();
    }

    @Override
    public Tensor tensor(String name) {
        String shard = weightMap.get(name);
        if (shard == null) {
            throw CossimException.inFile(index, "no tensor named '" + name + "' in the weight_map");
        }
        return shard(shard).tensor(name);
    }

    private synchronized TensorFile shard(String file) {
        return open.computeIfAbsent(file, f -> {
            Path p;
            try {
                p = directory().resolve(f);
            } catch (java.nio.file.InvalidPathException e) {
                throw CossimException.inFile(index, "shard '" + f + "' named in the weight_map is not a valid file name here");
            }
            if (!Files.isRegularFile(p)) {
                throw CossimException.inFile(index, "shard '" + f + "' named in the weight_map does not exist");
            }
            if (f.endsWith(".index.json")) {
                throw CossimException.inFile(index, "shard '" + f + "' is itself a shard index");
            }
            return ModelLoader.openFile(p);
        });
    }

    @Override
    public synchronized void close() {
        open.values().forEach(TensorFile::close);
        open.clear();
    }
}
