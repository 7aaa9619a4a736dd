package jdiffusion.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsNestedValuesWithTheirJavaTypes() {
        Object v = Json.parse("{\"a\": [1, -2.5e-3, \"x\\u00e9\\n\", true, null], \"b\": {\"c\": 12345678901234}}");
        Map<?, ?> m = (Map<?, ?>) v;
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, a.get(0));
        assertEquals(-2.5e-3, a.get(1));
        assertEquals("x\u00e9\n", a.get(2));
        assertEquals(Boolean.TRUE, a.get(3));
        assertEquals(null, a.get(4));
        assertEquals(12345678901234L, ((Map<?, ?>) m.get("b")).get("c"));
    }

    @Test
    void float32TextRoundTripsExactly() {
        // %.9g text parsed as double then rounded to float gives back the exact float32.
        float f = 0.0291675329f;
        assertEquals(f, (float) (double) (Double) Json.parse(String.format("%.9g", f)));
    }

    @Test
    void errorsNameTheSourceAndOffset() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\": [1, 2}", "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: invalid JSON at offset 11"), e.getMessage());
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
        assertThrows(JsonException.class, () -> Json.parse("[1,]"));
        assertThrows(JsonException.class, () -> Json.parse("\"unterminated"));
    }

    @Test
    void writesWhatItReads() {
        String text = "{\"k\":[1,2.5,\"s\\\"q\",false,null]}";
        assertEquals(text, Json.write(Json.parse(text)));
    }
}
