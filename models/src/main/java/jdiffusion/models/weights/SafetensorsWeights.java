package jdiffusion.models.weights;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdiffusion.core.io.SafetensorsException;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.json.Json;
import jdiffusion.core.tensor.Tensor;

/**
 * Weights from one safetensors file or a sharded set ({@code *.safetensors.index.json} with a
 * {@code weight_map} from key to shard file). Files are mapped into an automatic arena: the mapping lives
 * as long as tensors from it are reachable, so models need no explicit close.
 */
public final class SafetensorsWeights implements WeightSource {

    private final String description;
    private final Map<String, SafetensorsFile> byKey;

    private SafetensorsWeights(String description, Map<String, SafetensorsFile> byKey) {
        this.description = description;
        this.byKey = byKey;
    }

    /** One file. */
    public static SafetensorsWeights open(Path file) throws IOException {
        SafetensorsFile st = SafetensorsFile.open(file, Arena.ofAuto());
        Map<String, SafetensorsFile> m = new LinkedHashMap<>();
        for (String n : st.names()) m.put(n, st);
        return new SafetensorsWeights(file.toString(), m);
    }

    /** A file already open (its arena decides how long the tensors live). */
    public static SafetensorsWeights of(SafetensorsFile st) {
        Map<String, SafetensorsFile> m = new LinkedHashMap<>();
        for (String n : st.names()) m.put(n, st);
        return new SafetensorsWeights(st.file().toString(), m);
    }

    /** A sharded set described by its index file; keys in two shards are an error. */
    @SuppressWarnings("unchecked")
    public static SafetensorsWeights openIndex(Path indexJson) throws IOException {
        Map<String, Object> index = Json.readObject(indexJson);
        if (!(index.get("weight_map") instanceof Map<?, ?> weightMap)) {
            throw new SafetensorsException(indexJson + ": no \"weight_map\" object");
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> m = new LinkedHashMap<>();
        Path dir = indexJson.toAbsolutePath().getParent();
        for (var e : ((Map<String, Object>) weightMap).entrySet()) {
            if (!(e.getValue() instanceof String shardName)) {
                throw new SafetensorsException(indexJson + ": weight_map entry \"" + e.getKey() + "\" is not a file name");
            }
            SafetensorsFile shard = shards.get(shardName);
            if (shard == null) {
                Path p = dir.resolve(shardName);
                if (!Files.isRegularFile(p)) {
                    throw new SafetensorsException(indexJson + ": shard " + shardName + " (for \"" + e.getKey() + "\") does not exist");
                }
                shard = SafetensorsFile.open(p, Arena.ofAuto());
                shards.put(shardName, shard);
            }
            if (!shard.contains(e.getKey())) {
                throw new SafetensorsException(indexJson + ": weight_map puts \"" + e.getKey() + "\" in " + shardName
                        + ", which does not hold it");
            }
            m.put(e.getKey(), shard);
        }
        return new SafetensorsWeights(indexJson + " (" + shards.size() + " shards)", m);
    }

    /** Several files, each key in exactly one of them. */
    public static SafetensorsWeights openAll(List<Path> files) throws IOException {
        Map<String, SafetensorsFile> m = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            SafetensorsFile st = SafetensorsFile.open(f, Arena.ofAuto());
            names.add(f.getFileName().toString());
            for (String n : st.names()) {
                SafetensorsFile prev = m.putIfAbsent(n, st);
                if (prev != null) {
                    throw new SafetensorsException("tensor \"" + n + "\" is in both " + prev.file() + " and " + f);
                }
            }
        }
        return new SafetensorsWeights(String.join(", ", names), m);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Set<String> names() {
        return new LinkedHashSet<>(byKey.keySet());
    }

    @Override
    public boolean contains(String name) {
        return byKey.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        SafetensorsFile f = byKey.get(name);
        if (f == null) throw new WeightException(description + ": missing tensor \"" + name + "\"");
        return f.tensor(name);
    }
}
