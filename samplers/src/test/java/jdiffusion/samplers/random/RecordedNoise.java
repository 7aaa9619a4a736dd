package jdiffusion.samplers.random;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import jdiffusion.core.json.Json;
import jdiffusion.core.sampling.NoiseSource;

/** Recorded draws of a reference generator (test resource), replayed against a Java noise source. */
final class RecordedNoise {

    record Mismatch(int cases, int values, int differing, String firstDifference) {
    }

    private RecordedNoise() {
    }

    static Map<String, Object> load(String resource) throws IOException, URISyntaxException {
        return Json.readObject(Path.of(RecordedNoise.class.getResource(resource).toURI()));
    }

    /** Draws every recorded case's calls in order from a fresh source and counts values whose bits differ. */
    @SuppressWarnings("unchecked")
    static Mismatch compare(Map<String, Object> file, LongFunction<NoiseSource> sources) {
        int cases = 0, values = 0, differing = 0;
        String first = null;
        for (Object o : (List<Object>) file.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            long seed = ((Number) c.get("seed")).longValue();
            if (c.get("seed") instanceof Double) throw new IllegalStateException("seed not integral in " + c.get("name"));
            NoiseSource source = sources.apply(seed);
            cases++;
            int drawIndex = 0;
            for (Object d : (List<Object>) c.get("draws")) {
                List<Object> expected = (List<Object>) ((Map<String, Object>) d).get("values");
                float[] actual = source.next(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    float e = ((Number) expected.get(i)).floatValue();
                    values++;
                    if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(actual[i])) {
                        differing++;
                        if (first == null) {
                            first = c.get("name") + " draw " + drawIndex + " [" + i + "]: expected " + e + ", got " + actual[i];
                        }
                    }
                }
                drawIndex++;
            }
        }
        return new Mismatch(cases, values, differing, first);
    }
}
