package jdiffusion.adapters.lora.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.json.Json;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * A {@code .safetensors} file memory-mapped read-only: its tensors as zero-copy views in file order and its
 * {@code __metadata__} strings. Only the header is read eagerly.
 */
public record SafetensorsFile(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {

    private static final long MAX_HEADER = 100L << 20;

    /** Maps {@code file}; a malformed file raises an {@link IOException} naming it and what is wrong. */
    public static SafetensorsFile open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "shorter than the 8-byte header length (" + size + " bytes)");
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
            long n = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
                throw bad(file, "header length " + n + " does not fit the file of " + size + " bytes");
            }
            byte[] header = all.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            Object parsed;
            try {
                parsed = Json.parse(new String(header, StandardCharsets.UTF_8), file + " header");
            } catch (RuntimeException e) {
                throw bad(file, "header is not valid JSON: " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> h)) throw bad(file, "header is not a JSON object");
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (var e : h.entrySet()) {
                String key = (String) e.getKey();
                if (key.equals("__metadata__")) {
                    if (e.getValue() instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> metadata.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
                    }
                    continue;
                }
                if (!(e.getValue() instanceof Map<?, ?> info)) throw bad(file, "entry " + key + " is not an object");
                DType dtype;
                try {
                    dtype = DType.fromSafetensors(String.valueOf(info.get("dtype")));
                } catch (IllegalArgumentException ex) {
                    throw bad(file, "tensor " + key + ": " + ex.getMessage());
                }
                int[] shape = ints(file, key, info.get("shape"));
                long[] offsets = longs(file, key, info.get("data_offsets"));
                long bytes = Tensor.count(shape) * dtype.byteSize();
                if (offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataSize || offsets[1] - offsets[0] != bytes) {
                    throw bad(file, "tensor " + key + " has data_offsets " + offsets[0] + ".." + offsets[1]
                            + " but needs " + bytes + " bytes within " + dataSize);
                }
                tensors.put(key, Tensor.of(dtype, shape, all.asSlice(dataStart + offsets[0], bytes)));
            }
            return new SafetensorsFile(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        }
    }

    /** The tensor named {@code key}; the error names the file. */
    public Tensor get(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException(path + " has no tensor " + key);
        return t;
    }

    private static IOException bad(Path file, String what) {
        return new IOException(file + ": not a valid safetensors file: " + what);
    }

    private static int[] ints(Path file, String key, Object v) throws IOException {
        if (!(v instanceof List<?> l)) throw bad(file, "tensor " + key + " has no shape list");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long x) || x < 0 || x > Integer.MAX_VALUE) {
                throw bad(file, "tensor " + key + " has a bad shape " + l);
            }
            out[i] = x.intValue();
        }
        return out;
    }

    private static long[] longs(Path file, String key, Object v) throws IOException {
        if (!(v instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof Long a) || !(l.get(1) instanceof Long b)) {
            throw bad(file, "tensor " + key + " has bad data_offsets " + v);
        }
        return new long[]{a, b};
    }
}
