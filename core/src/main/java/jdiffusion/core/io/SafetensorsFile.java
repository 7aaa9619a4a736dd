package jdiffusion.core.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.json.Json;
import jdiffusion.core.json.JsonException;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * A memory-mapped <a href="https://github.com/huggingface/safetensors">safetensors</a> file: an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to its
 * {@code dtype}, {@code shape} and {@code data_offsets} (plus an optional {@code __metadata__} object of
 * strings), then the data section.
 *
 * <p>Opening reads only the header; the whole file is mapped with {@link FileChannel#map} into an
 * {@link Arena} and each tensor is a zero-copy {@link Tensor} view of its bytes in the stored dtype
 * (float16 stays float16). Every structural problem — a truncated file, a header length beyond the file,
 * a header that is not a JSON object of well-formed entries, an unknown dtype, a shape whose size does
 * not match its byte range, ranges outside the data section or overlapping each other, duplicate keys —
 * is a {@link SafetensorsException} naming the file and the key.
 *
 * <p>Thread-safe once opened. Tensors stay valid until {@link #close()} closes the arena (only when the
 * file created it; with a caller's arena, the caller decides).
 */
public final class SafetensorsFile implements AutoCloseable {

    /** The largest header accepted (the reference implementation's limit): guards against absurd lengths. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** JSON nesting allowed in a header; real headers nest two levels. Keeps hostile input off the stack. */
    private static final int MAX_HEADER_NESTING = 64;

    private static final String METADATA_KEY = "__metadata__";

    private final Path file;
    private final Arena arena;
    private final boolean ownsArena;
    private final long fileSize;
    private final long headerLength;
    private final MemorySegment data;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, Arena arena, boolean ownsArena, long fileSize, long headerLength,
                            MemorySegment data, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.arena = arena;
        this.ownsArena = ownsArena;
        this.fileSize = fileSize;
        this.headerLength = headerLength;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and maps {@code file} in a new shared arena, which {@link #close()} releases. */
    public static SafetensorsFile open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return open(file, arena, true);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Opens and maps {@code file} into the caller's {@code arena} (e.g. {@link Arena#ofAuto()} for weights
     * that live as long as the model using them); {@link #close()} then leaves the arena alone.
     */
    public static SafetensorsFile open(Path file, Arena arena) throws IOException {
        return open(file, arena, false);
    }

    private static SafetensorsFile open(Path file, Arena arena, boolean ownsArena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsException(file + ": truncated file: " + size
                        + " bytes, a safetensors file starts with an 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > size - 8) {
                throw new SafetensorsException(file + ": header length " + Long.toUnsignedString(n)
                        + " is larger than the file (" + size + " bytes): truncated or not a safetensors file");
            }
            if (n > MAX_HEADER_BYTES) {
                throw new SafetensorsException(file + ": header length " + n + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            if (n < 2) {
                throw new SafetensorsException(file + ": header length " + n + " is too short for a JSON object");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
            readFully(ch, headerBuf, 8, file);
            headerBuf.flip();
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(headerBuf).toString();
            } catch (CharacterCodingException e) {
                throw new SafetensorsException(file + ": header is not valid UTF-8 text", e);
            }
            long dataSize = size - 8 - n;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(file, text, dataSize, metadata);
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            MemorySegment data = mapped.asSlice(8 + n, dataSize);
            return new SafetensorsFile(file, arena, ownsArena, size, n, data,
                    Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw new SafetensorsException(file + ": truncated file: ends inside the header");
            pos += r;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path file, String text, long dataSize,
                                                       Map<String, String> metadata) throws SafetensorsException {
        checkNesting(file, text);
        Object root;
        try {
            root = Json.parse(text, file + " header");
        } catch (JsonException e) {
            throw new SafetensorsException(e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> entries)) {
            throw new SafetensorsException(file + ": header is not a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (var e : entries.entrySet()) {
            String key = (String) e.getKey();
            Object value = e.getValue();
            if (key.equals(METADATA_KEY)) {
                if (!(value instanceof Map<?, ?> m)) {
                    throw new SafetensorsException(file + ": " + METADATA_KEY + " is not a JSON object");
                }
                for (var me : m.entrySet()) {
                    Object v = me.getValue();
                    metadata.put((String) me.getKey(), v instanceof String s ? s : Json.write(v));
                }
                continue;
            }
            tensors.put(key, parseEntry(file, key, value, dataSize));
        }
        checkOverlaps(file, tensors);
        return tensors;
    }

    private static TensorInfo parseEntry(Path file, String key, Object value, long dataSize) throws SafetensorsException {
        String where = file + ": tensor \"" + key + "\": ";
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafetensorsException(where + "entry is not a JSON object");
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw new SafetensorsException(where + "missing or non-string \"dtype\"");
        }
        DType dtype;
        try {
            dtype = DType.fromSafetensors(dtypeName);
        } catch (IllegalArgumentException ex) {
            throw new SafetensorsException(where + ex.getMessage());
        }
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw new SafetensorsException(where + "missing or non-list \"shape\"");
        }
        int[] shape = new int[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = shapeList.get(i);
            if (!(d instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
                throw new SafetensorsException(where + "shape " + Json.write(shapeList)
                        + " has an invalid dimension " + Json.write(d) + " (expected an integer 0.." + Integer.MAX_VALUE + ")");
            }
            shape[i] = (int) (long) l;
        }
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw new SafetensorsException(where + "\"data_offsets\" must be a list of two integers, found "
                    + Json.write(m.get("data_offsets")));
        }
        if (begin < 0 || end < begin) {
            throw new SafetensorsException(where + "data_offsets [" + begin + ", " + end + "] are not an ordered range");
        }
        if (end > dataSize) {
            throw new SafetensorsException(where + "data_offsets [" + begin + ", " + end
                    + "] lie outside the data section of " + dataSize + " bytes (truncated file?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.count(shape), (long) dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new SafetensorsException(where + "shape " + Json.write(shapeList) + " is too large");
        }
        if (expected != end - begin) {
            throw new SafetensorsException(where + "shape " + Json.write(shapeList) + " of " + dtypeName + " needs "
                    + expected + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new TensorInfo(key, dtype, shape, begin, end);
    }

    private static void checkOverlaps(Path file, Map<String, TensorInfo> tensors) throws SafetensorsException {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : tensors.values()) {
            if (t.byteSize() > 0) sorted.add(t);
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.begin() < prev.end()) {
                throw new SafetensorsException(file + ": tensor \"" + cur.name() + "\" data_offsets [" + cur.begin()
                        + ", " + cur.end() + "] overlap those of \"" + prev.name() + "\" [" + prev.begin() + ", "
                        + prev.end() + "]");
            }
        }
    }

    private static void checkNesting(Path file, String text) throws SafetensorsException {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_HEADER_NESTING) {
                    throw new SafetensorsException(file + ": header nests deeper than " + MAX_HEADER_NESTING
                            + " levels; not a safetensors header");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
    }

    public Path file() {
        return file;
    }

    /** Size of the whole file in bytes. */
    public long fileSize() {
        return fileSize;
    }

    /** Length of the JSON header in bytes. */
    public long headerLength() {
        return headerLength;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every tensor's header entry, in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The header entry of {@code name}; fails naming the file and key when absent. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + ": no tensor \"" + name + "\" (the file holds "
                    + tensors.size() + " tensors)");
        }
        return t;
    }

    /** A zero-copy view of tensor {@code name} in its stored dtype. */
    public Tensor tensor(String name) {
        TensorInfo t = info(name);
        return Tensor.of(t.dtype(), t.shape(), data.asSlice(t.begin(), t.byteSize()));
    }

    /** Closes the arena if this file created it; tensors from it are invalid afterwards. */
    @Override
    public void close() {
        if (ownsArena) arena.close();
    }

    @Override
    public String toString() {
        return file + " (" + tensors.size() + " tensors)";
    }
}
