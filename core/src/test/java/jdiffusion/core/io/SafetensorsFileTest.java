package jdiffusion.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    private static Map<String, Tensor> sampleTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        float[] a = new float[2 * 3 * 5];
        for (int i = 0; i < a.length; i++) a[i] = i * 0.25f - 3;
        m.put("model.a.weight", Tensor.wrap(a, 2, 3, 5));
        short[] h = {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2f), Float.floatToFloat16(65504f)};
        m.put("half", Tensor.of(DType.FLOAT16, new int[]{3}, MemorySegment.ofArray(h)));
        m.put("ids", Tensor.of(DType.INT64, new int[]{2}, MemorySegment.ofArray(new long[]{49406, 7})));
        m.put("empty", Tensor.zeros(0, 4));
        m.put("scalar", Tensor.wrap(new float[]{42f}));
        return m;
    }

    private Path writeSample() throws IOException {
        Path f = dir.resolve("sample.safetensors");
        SafetensorsWriter.write(f, sampleTensors(), Map.of("format", "pt"));
        return f;
    }

    @Test
    void writtenTensorsReadBackAsZeroCopyViewsInTheirStoredDtype() throws IOException {
        Path f = writeSample();
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertEquals(java.util.List.of("model.a.weight", "half", "ids", "empty", "scalar"), st.names());
            Tensor a = st.tensor("model.a.weight");
            assertArrayEquals(new int[]{2, 3, 5}, a.shape());
            assertArrayEquals(sampleTensors().get("model.a.weight").toFloatArray(), a.toFloatArray());
            Tensor h = st.tensor("half");
            assertEquals(DType.FLOAT16, h.dtype());
            assertArrayEquals(new float[]{1.5f, -2f, 65504f}, h.toFloatArray());
            assertEquals(49406L, st.tensor("ids").getLong(0));
            assertEquals(0, st.tensor("empty").numel());
            assertEquals(42f, st.tensor("scalar").getFloat(0));
            assertTrue(st.tensor("half").segment().isMapped(), "views must be memory-mapped, not copies");
            assertTrue(st.tensor("half").segment().isReadOnly());
            assertEquals(0, st.headerLength() % 8, "header padded to 8 bytes");
        }
    }

    @Test
    void missingTensorNamesTheFileAndKey() throws IOException {
        try (SafetensorsFile st = SafetensorsFile.open(writeSample())) {
            var e = assertThrows(IllegalArgumentException.class, () -> st.tensor("nope"));
            assertTrue(e.getMessage().contains("sample.safetensors") && e.getMessage().contains("\"nope\""), e.getMessage());
        }
    }

    private Path withHeader(String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private String openError(Path f) {
        var e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path good = writeSample();
        byte[] all = Files.readAllBytes(good);
        Path f = dir.resolve("cut.safetensors");
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 3));
        String m = openError(f);
        assertTrue(m.contains("\"scalar\"") && m.contains("outside the data section"), m);
        Files.write(f, java.util.Arrays.copyOf(all, 5));
        assertTrue(openError(f).contains("truncated"));
    }

    @Test
    void headerLengthLargerThanTheFileIsRejected() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
        Path f = dir.resolve("long.safetensors");
        Files.write(f, b.array());
        assertTrue(openError(f).contains("header length 1099511627776 is larger than the file"));
        b.putLong(0, -5);
        Files.write(f, b.array());
        assertTrue(openError(f).contains("larger than the file"));
    }

    @Test
    void overlappingOffsetsAreRejectedNamingBothTensors() throws IOException {
        String m = openError(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertTrue(m.contains("\"b\"") && m.contains("\"a\"") && m.contains("overlap"), m);
    }

    @Test
    void outOfRangeOffsetsAreRejected() throws IOException {
        String m = openError(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 12));
        assertTrue(m.contains("\"a\"") && m.contains("outside the data section of 12 bytes"), m);
        m = openError(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 12));
        assertTrue(m.contains("not an ordered range"), m);
    }

    @Test
    void unknownDtypeIsRejectedListingTheKnownOnes() throws IOException {
        String m = openError(withHeader("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2));
        assertTrue(m.contains("\"w\"") && m.contains("F8_E4M3") && m.contains("BF16"), m);
    }

    @Test
    void shapeThatDoesNotMatchTheByteRangeIsRejected() throws IOException {
        String m = openError(withHeader("{\"w\":{\"dtype\":\"F16\",\"shape\":[3,2],\"data_offsets\":[0,8]}}", 8));
        assertTrue(m.contains("\"w\"") && m.contains("needs 12 bytes") && m.contains("hold 8"), m);
        m = openError(withHeader("{\"w\":{\"dtype\":\"F16\",\"shape\":[-3],\"data_offsets\":[0,8]}}", 8));
        assertTrue(m.contains("invalid dimension -3"), m);
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        String e = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        String m = openError(withHeader("{\"w\":" + e + ",\"w\":" + e + "}", 4));
        assertTrue(m.contains("duplicate key \"w\""), m);
    }

    @Test
    void malformedHeadersAreRejected() throws IOException {
        assertTrue(openError(withHeader("[1,2]", 0)).contains("not a JSON object"));
        assertTrue(openError(withHeader("{\"a\":", 0)).contains("invalid JSON"));
        assertTrue(openError(withHeader("[".repeat(5000), 0)).contains("nests deeper"));
        assertTrue(openError(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4))
                .contains("data_offsets"));
        Path f = withHeader("{\"a\":\"\"}", 0);
        byte[] raw = Files.readAllBytes(f);
        raw[raw.length - 3] = (byte) 0xff;   // invalid UTF-8 inside the string
        Files.write(f, raw);
        assertTrue(openError(f).contains("UTF-8"));
    }

    /** Random truncations and corruptions: every outcome is a clean open or a SafetensorsException. */
    @Test
    void randomTruncationsAndCorruptionsAlwaysGiveAClearError() throws IOException {
        byte[] good = Files.readAllBytes(writeSample());
        int headerEnd = 8 + (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        SplittableRandom rnd = new SplittableRandom(20240611);
        Path f = dir.resolve("fuzz.safetensors");
        int rejected = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] b;
            switch (trial % 5) {
                case 0 -> b = java.util.Arrays.copyOf(good, rnd.nextInt(good.length));
                case 1 -> {
                    b = good.clone();
                    for (int k = 1 + rnd.nextInt(4); k > 0; k--) b[8 + rnd.nextInt(headerEnd - 8)] = (byte) rnd.nextInt(256);
                }
                case 2 -> {
                    b = good.clone();
                    int pos = 8 + rnd.nextInt(headerEnd - 8);
                    byte[] digits = "0123456789-,[]{}\":e.".getBytes(StandardCharsets.US_ASCII);
                    b[pos] = digits[rnd.nextInt(digits.length)];
                }
                case 3 -> {
                    b = good.clone();
                    long len = switch (rnd.nextInt(4)) {
                        case 0 -> rnd.nextLong();
                        case 1 -> headerEnd - 8 + rnd.nextInt(-16, 17);
                        case 2 -> rnd.nextInt(0, 64);
                        default -> Long.MAX_VALUE - rnd.nextInt(100);
                    };
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
                }
                default -> {
                    b = java.util.Arrays.copyOf(good, headerEnd + rnd.nextInt(good.length - headerEnd + 1));
                    b[8 + rnd.nextInt(headerEnd - 8)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            Files.write(f, b);
            try (SafetensorsFile st = SafetensorsFile.open(f)) {
                for (String n : st.names()) {
                    Tensor t = st.tensor(n);
                    if (t.numel() > 0) t.getFloat(t.numel() - 1);   // every view is inside the mapping
                }
            } catch (SafetensorsException e) {
                rejected++;
                assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            }
        }
        assertTrue(rejected > 1500, "most corruptions must be detected, got " + rejected);
    }

    /** A multi-GB (sparse) file opens by reading its header only; its tensor is a view of the mapping. */
    @Test
    void multiGigabyteFileIsMappedNotRead() throws IOException {
        long elements = 800L * 1024 * 1024;   // 3.2 GB of float32
        String json = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + elements + "],\"data_offsets\":[0," + elements * 4 + "]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            raf.write(b.array());
            raf.write(h);
            raf.setLength(8 + h.length + elements * 4);   // sparse: no data blocks written
            raf.seek(8 + h.length + (elements - 1) * 4);
            raf.write(new byte[]{0, 0, (byte) 0x80, 0x3f});  // last element 1.0f
        }
        long heapBefore = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        try (SafetensorsFile st = SafetensorsFile.open(f)) {
            Tensor t = st.tensor("big");
            assertEquals(elements * 4, t.byteSize());
            assertEquals(1.0f, t.segment().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, elements - 1));
            long heapAfter = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            assertTrue(heapAfter - heapBefore < 256L * 1024 * 1024, "opening must not copy the data to the heap");
        }
    }
}
