package jdiffusion.core.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.json.Json;
import jdiffusion.core.tensor.Tensor;

/**
 * Writes host tensors as a safetensors file: header length, JSON header (space-padded to a multiple of 8
 * bytes, as the reference writer does), then each tensor's bytes in the given order.
 */
public final class SafetensorsWriter {

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (in iteration order) and {@code metadata} to {@code file}, replacing it. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long offset = 0;
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue();
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) shape.add((long) d);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype().safetensorsName());
            entry.put("shape", shape);
            entry.put("data_offsets", List.of(offset, offset + t.byteSize()));
            header.put(e.getKey(), entry);
            offset += t.byteSize();
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (head.hasRemaining()) ch.write(head);
            for (Tensor t : tensors.values()) {
                MemorySegment seg = t.segment();
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(seg.byteSize(), 1 << 20));
                for (long pos = 0; pos < seg.byteSize(); pos += b.capacity()) {
                    int n = (int) Math.min(b.capacity(), seg.byteSize() - pos);
                    b.clear().limit(n);
                    MemorySegment.ofBuffer(b).copyFrom(seg.asSlice(pos, n));
                    while (b.hasRemaining()) ch.write(b);
                }
            }
        }
    }
}
