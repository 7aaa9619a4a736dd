package jdiffusion.backends.cpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import jdiffusion.core.json.Json;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/** Named float32 tensors from a gzipped safetensors test resource (a minimal reader for test data). */
final class RefTensors {

    private final Map<String, Tensor> tensors = new HashMap<>();

    RefTensors(String resource) {
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(RefTensors.class.getResourceAsStream(resource))) {
            bytes = in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("test resource " + resource + " is missing or unreadable", e);
        }
        MemorySegment file = MemorySegment.ofArray(bytes);
        long n = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> info = (Map<String, Object>) e.getValue();
            List<?> shape = (List<?>) info.get("shape");
            List<?> offsets = (List<?>) info.get("data_offsets");
            int[] s = shape.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
            long from = 8 + n + ((Number) offsets.get(0)).longValue();
            long to = 8 + n + ((Number) offsets.get(1)).longValue();
            tensors.put(e.getKey(), Tensor.of(DType.fromSafetensors((String) info.get("dtype")), s, file.asSlice(from, to - from)));
        }
    }

    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new UncheckedIOException(new IOException("no tensor " + name + " in test data; have " + tensors.keySet()));
        return t;
    }
}
