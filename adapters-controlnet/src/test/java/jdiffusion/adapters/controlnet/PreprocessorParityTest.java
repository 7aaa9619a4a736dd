package jdiffusion.adapters.controlnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import jdiffusion.core.json.Json;
import org.junit.jupiter.api.Test;

/**
 * The preprocessors against OpenCV (preprocess-reference.json.gz, made by make_reference.py beside it),
 * pixel for pixel: canny equals cv2.Canny, also after the float Gaussian blur; scribble_xdog equals its
 * float computation with cv2.GaussianBlur.
 */
class PreprocessorParityTest {

    @SuppressWarnings("unchecked")
    @Test
    void preprocessorsMatchOpenCv() throws Exception {
        Map<String, Object> ref = Json.readObject(Path.of("src/test/resources/preprocess/preprocess-reference.json.gz"));
        Map<String, Map<String, Object>> images = (Map<String, Map<String, Object>>) ref.get("images");
        int exact = 0;
        for (Object o : (List<Object>) ref.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            Map<String, Object> img = images.get((String) c.get("image"));
            int w = ((Number) img.get("width")).intValue();
            int h = ((Number) img.get("height")).intValue();
            byte[] rgb = Base64.getDecoder().decode((String) img.get("rgb"));
            byte[] expected = Base64.getDecoder().decode((String) c.get("expected"));
            ControlPreprocessor p = c.get("preprocessor").equals("canny")
                    ? new CannyEdges(num(c, "low"), num(c, "high"), num(c, "blur"))
                    : new XdogScribble((int) num(c, "threshold"));
            byte[] out = p.apply(w, h, rgb);
            int differ = 0;
            for (int i = 0; i < w * h; i++) {
                assertEquals(out[3 * i], out[3 * i + 1]);
                assertEquals(out[3 * i], out[3 * i + 2]);
                if (out[3 * i] != expected[i]) differ++;
            }
            int edges = 0;
            for (byte b : expected) if (b != 0) edges++;
            String id = c.get("image") + " " + p;
            assertTrue(edges > 0 && edges < w * h, id + ": the case has edges and background");
            assertEquals(0, differ, id + ": pixels differing from OpenCV");
            exact++;
        }
        assertEquals(30, exact);
        System.out.println("preprocessors: " + exact + " cases pixel-exact");
    }

    private static double num(Map<String, Object> c, String k) {
        Object v = c.get(k);
        return v == null ? 0 : ((Number) v).doubleValue();
    }

    @Test
    void specsConfigureThePreprocessorsAndUnknownNamesListTheKnownOnes() {
        assertEquals("canny(low=50.0, high=150.0, blur=1.4)", ControlPreprocessors.parse("canny:low=50,high=150,blur=1.4").toString());
        assertEquals("scribble_xdog(threshold=20)", ControlPreprocessors.parse("scribble_xdog:threshold=20").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControlPreprocessors.parse("depth"));
        assertTrue(e.getMessage().contains("canny") && e.getMessage().contains("scribble_xdog"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ControlPreprocessors.parse("canny:lo=3"));
        assertTrue(e.getMessage().contains("low, high, blur"), e.getMessage());
    }
}
