package jdiffusion.models.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.json.Json;
import jdiffusion.models.clip.ClipTokenizer;

/**
 * A tokenizer case set: for each text, the ids of OpenAI's {@code SimpleTokenizer().encode}, the SD 1.x
 * window (padded with the end token) and the SD 2.x/OpenCLIP window (padded with 0). Ids are exact or wrong.
 */
final class TokenizerReference {

    private TokenizerReference() {
    }

    @SuppressWarnings("unchecked")
    static List<ConformanceCase> cases(Path dir) throws IOException {
        Memo<ClipTokenizer> tok = new Memo<>(() -> ClipTokenizer.load(ReferenceFiles.resolve(dir, "vocab.json"),
                ReferenceFiles.resolve(dir, "merges.txt"), null));
        Map<String, Object> root = (Map<String, Object>) Json.read(ReferenceFiles.resolve(dir, "cases.json"));
        List<ConformanceCase> cases = new ArrayList<>();
        int i = 0;
        for (Object o : (List<Object>) root.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            String text = (String) c.get("text");
            String id = "case " + (i++) + " " + abbreviate(text);
            cases.add(new ConformanceCase() {
                @Override
                public String id() {
                    return id;
                }

                @Override
                public CaseResult run() {
                    try {
                        ClipTokenizer sd1 = tok.get();
                        int[] ids = sd1.encode(text);
                        String problem = mismatch("ids", ids, c.get("ids"));
                        if (problem == null) problem = mismatch("padded", sd1.window(ids), c.get("padded"));
                        if (problem == null) problem = mismatch("padded_sd2", sd1.withPadToken(0).window(ids), c.get("padded_sd2"));
                        return problem == null ? CaseResult.passed(0, true) : CaseResult.failed(1, problem);
                    } catch (Exception e) {
                        return CaseResult.failed(Double.NaN, e.toString());
                    }
                }
            });
        }
        return cases;
    }

    private static String mismatch(String what, int[] got, Object expected) {
        int[] e = ((List<?>) expected).stream().mapToInt(v -> Math.toIntExact((Long) v)).toArray();
        return Arrays.equals(got, e) ? null : what + " " + Arrays.toString(got) + " != reference " + Arrays.toString(e);
    }

    private static String abbreviate(String s) {
        String j = Json.write(s);
        return j.length() > 40 ? j.substring(0, 37) + "...\"" : j;
    }
}
