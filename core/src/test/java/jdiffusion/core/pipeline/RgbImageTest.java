package jdiffusion.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.json.Json;
import org.junit.jupiter.api.Test;

class RgbImageTest {

    static Path resource(String name) throws Exception {
        return Path.of(RgbImageTest.class.getResource("/pipeline/" + name).toURI());
    }

    @SuppressWarnings("unchecked")
    static RgbImage image(Map<String, Object> m) {
        List<Object> values = (List<Object>) m.get("rgb");
        byte[] b = new byte[values.size()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) ((Number) values.get(i)).intValue();
        return RgbImage.of(((Number) m.get("width")).intValue(), ((Number) m.get("height")).intValue(), b);
    }

    @Test
    @SuppressWarnings("unchecked")
    void lanczosResizeMatchesPillowExactly() throws Exception {
        Map<String, Object> ref = Json.readObject(resource("pil-resize.json.gz"));
        RgbImage source = image((Map<String, Object>) ref.get("source"));
        List<Object> cases = (List<Object>) ref.get("resized");
        assertEquals(6, cases.size());
        for (Object o : cases) {
            RgbImage expected = image((Map<String, Object>) o);
            RgbImage actual = source.resize(expected.width(), expected.height());
            assertEquals(expected, actual, "resize to " + expected.width() + "x" + expected.height());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void maskLuminanceMatchesPillowConvertL() throws Exception {
        Map<String, Object> ref = Json.readObject(resource("pil-resize.json.gz"));
        RgbImage source = image((Map<String, Object>) ref.get("source"));
        List<Object> luma = (List<Object>) ref.get("luminance");
        for (int p = 0; p < luma.size(); p++) {
            assertEquals(((Number) luma.get(p)).intValue(), source.luminance(p), "pixel " + p);
        }
    }

    @Test
    void decodedSampleBecomesTheSamePixelsAsDiffusersNumpyToPil() throws Exception {
        try (SafetensorsFile io = SafetensorsFile.open(resource("sd15-tiny-pipeline-io.safetensors"))) {
            float[] decoded = io.tensor("vae_decoded").toFloatArray();   // [1,3,64,64] in [-1,1]
            float[] image = io.tensor("image").toFloatArray();           // [1,64,64,3] in [0,1], as diffusers returns it
            RgbImage png = RgbImage.fromDecoded(decoded, 0, 64, 64);
            int clamped = 0;
            for (int p = 0; p < 64 * 64; p++) {
                for (int c = 0; c < 3; c++) {
                    float v = image[3 * p + c];
                    if (v == 0f || v == 1f) clamped++;
                    int expected = (int) Math.rint(v * 255f);
                    assertEquals(expected, png.channel(p % 64, p / 64, c), "pixel " + p + " channel " + c);
                }
            }
            assertTrue(clamped > 1000, "the reference image has clamped pixels: " + clamped);
        }
    }

    @Test
    void modelInputIsTwiceTheUnitRangeMinusOne() {
        RgbImage img = RgbImage.of(2, 1, new byte[]{0, (byte) 255, (byte) 128, 1, 2, 3});
        float[] in = img.toModelInput(); // planar [3, 1, 2]
        assertEquals(-1f, in[0]);
        assertEquals(2f * (1 / 255f) - 1f, in[1]);
        assertEquals(1f, in[2]);
        assertEquals(2f * (128 / 255f) - 1f, in[4]);
        assertEquals(2f * (3 / 255f) - 1f, in[5]);
    }

    @Test
    void maskIsBinarisedAtHalfLuminance() {
        RgbImage img = RgbImage.of(3, 1, new byte[]{127, 127, 127, (byte) 128, (byte) 128, (byte) 128, (byte) 255, 0, 0});
        float[] m = img.toMask();
        assertEquals(0f, m[0]);
        assertEquals(1f, m[1]);
        assertEquals(0f, m[2]); // pure red has luminance 76
    }
}
