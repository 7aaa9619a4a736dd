package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.core.io.SafetensorsWriter;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Path ldmFile(Path dir) throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("model.diffusion_model.input_blocks.0.0.weight", Tensor.zeros(8, 9, 3, 3));
        m.put("model.diffusion_model.out.2.weight", Tensor.zeros(4, 8, 3, 3));
        m.put("first_stage_model.decoder.conv_in.weight", Tensor.of(DType.FLOAT16, new int[]{8, 4, 3, 3},
                MemorySegment.ofArray(new short[8 * 4 * 9])));
        Path f = dir.resolve("model.safetensors");
        SafetensorsWriter.write(f, m, Map.of("format", "pt"));
        return f;
    }

    @Test
    void describesFormatCountsDtypesBytesKeysAndFamily(@TempDir Path dir) throws Exception {
        Run r = run("inspect", ldmFile(dir).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("format:   safetensors"), r.out());
        assertTrue(r.out().contains("tensors:  3"), r.out());
        assertTrue(r.out().contains("F16 x1, F32 x2"), r.out());
        assertTrue(r.out().contains("bytes:    " + (8 * 9 * 9 * 4 + 4 * 8 * 9 * 4 + 8 * 4 * 9 * 2)), r.out());
        assertTrue(r.out().contains("Stable Diffusion 1.x inpainting single-file checkpoint"), r.out());
        assertTrue(r.out().matches("(?s).*model\\.diffusion_model\\.input_blocks\\.0\\.0\\.weight\\s+F32\\s+\\[8, 9, 3, 3\\].*"), r.out());
    }

    @Test
    void aTruncatedFileFailsWithTheParserError(@TempDir Path dir) throws Exception {
        Path f = ldmFile(dir);
        byte[] b = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(b, b.length - 10));
        Run r = run("inspect", cut.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(cut.toString()) && r.err().contains("outside the data section"), r.err());
    }

    @Test
    void aPickleIsRefusedWithConversionAdvice(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.ckpt");
        Files.write(f, new byte[]{(byte) 0x80, 2});
        Run r = run("inspect", f.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("pickled") && r.err().contains("safetensors"), r.err());
    }
}
