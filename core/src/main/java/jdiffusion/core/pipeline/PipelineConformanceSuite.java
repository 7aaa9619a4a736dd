package jdiffusion.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceSuite;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.json.Json;

/**
 * Recorded diffusers {@code StableDiffusionPipeline} runs: a loadable model folder ({@code model_index.json})
 * with {@code case.json} naming the call and {@code io.safetensors} holding the latents after every step
 * and the final image. The run is repeated with the built-in plugins (the folder's own scheduler, torch's
 * CPU generator seeded as recorded) and compared with the tolerances the reference suggests for a float32
 * port: latents within 2e-4, 8-bit pixels within one level of {@code round(image * 255)} (a float image
 * sitting on a rounding edge can round the other way).
 */
public final class PipelineConformanceSuite implements ConformanceSuite {

    static final double LATENT_ATOL = 2e-4;

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public String description() {
        return "recorded diffusers StableDiffusionPipeline runs: latents per step and the final image";
    }

    @Override
    public List<ConformanceGroup> discover(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve("model_index.json"))
                    && Files.isRegularFile(d.resolve("case.json")) && Files.isRegularFile(d.resolve("io.safetensors")))
                    .sorted().toList();
        }
        List<ConformanceGroup> groups = new ArrayList<>();
        for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            ConformanceCase c = new RecordedRun(dir);
            groups.add(new ConformanceGroup() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public List<ConformanceCase> cases() {
                    return List.of(c);
                }
            });
        }
        return groups;
    }

    /** The call a recorded run made, read from case.json's {@code call} and {@code latents_in} texts. */
    record Call(String prompt, String negativePrompt, double guidanceScale, int steps, int height, int width, long seed) {

        private static final Pattern PIPE = Pattern.compile(
                "pipe\\(\\s*(['\"])(.*?)\\1\\s*,(.*)\\)\\s*$", Pattern.DOTALL);

        static Call read(Map<String, Object> caseJson) {
            String call = String.valueOf(caseJson.get("call"));
            int at = call.lastIndexOf("pipe(");
            Matcher m = PIPE.matcher(at < 0 ? call : call.substring(at));
            if (!m.find()) throw new IllegalArgumentException("case.json: cannot read the pipeline call \"" + call + "\"");
            String args = m.group(3);
            String negative = string(args, "negative_prompt", "");
            double cfg = Double.parseDouble(value(args, "guidance_scale", "7.5"));
            int steps = Integer.parseInt(value(args, "num_inference_steps", "50"));
            int height = Integer.parseInt(value(args, "height", "-1"));
            int width = Integer.parseInt(value(args, "width", "-1"));
            Matcher seed = Pattern.compile("manual_seed\\((\\d+)\\)").matcher(String.valueOf(caseJson.get("latents_in")));
            if (!seed.find()) throw new IllegalArgumentException("case.json: latents_in names no manual_seed(...)");
            return new Call(unescape(m.group(2)), negative, cfg, steps, height, width, Long.parseLong(seed.group(1)));
        }

        private static String value(String args, String key, String dflt) {
            Matcher m = Pattern.compile("\\b" + key + "\\s*=\\s*([-+0-9.eE]+)").matcher(args);
            return m.find() ? m.group(1) : dflt;
        }

        private static String string(String args, String key, String dflt) {
            Matcher m = Pattern.compile("\\b" + key + "\\s*=\\s*(['\"])(.*?)\\1").matcher(args);
            return m.find() ? unescape(m.group(2)) : dflt;
        }

        private static String unescape(String s) {
            return s.replace("\\'", "'").replace("\\\"", "\"").replace("\\\\", "\\");
        }
    }

    private record RecordedRun(Path dir) implements ConformanceCase {

        @Override
        public String id() {
            return dir.getFileName() + "/txt2img";
        }

        @Override
        public CaseResult run() {
            try {
                Call call = Call.read(Json.readObject(dir.resolve("case.json")));
                List<float[]> latents = new ArrayList<>();
                GenerationResult result;
                try (StableDiffusion sd = StableDiffusion.load(dir)) {
                    int w = call.width() > 0 ? call.width() : sd.defaultSize();
                    int h = call.height() > 0 ? call.height() : sd.defaultSize();
                    result = sd.txt2img(GenerationRequest.builder(call.prompt()).negativePrompt(call.negativePrompt())
                            .guidanceScale(call.guidanceScale()).steps(call.steps()).size(w, h).seed(call.seed())
                            .listener(p -> latents.add(p.preview().latents())).build());
                }
                double worst = 0;
                boolean exact = true;
                try (SafetensorsFile io = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
                    for (int i = 0; i < call.steps(); i++) {
                        String key = "step" + i + ".latents";
                        if (!io.names().contains(key)) continue;
                        float[] ref = io.tensor(key).toFloat32().toFloatArray();
                        if (i >= latents.size() || latents.get(i).length != ref.length) {
                            return CaseResult.failed(Double.NaN, key + ": jdiffusion produced " + latents.size() + " steps of "
                                    + (latents.isEmpty() ? 0 : latents.get(0).length) + " values, reference has " + ref.length);
                        }
                        float[] got = latents.get(i);
                        for (int k = 0; k < ref.length; k++) {
                            double d = Math.abs((double) got[k] - ref[k]);
                            if (d != 0) exact = false;
                            if (!(d <= LATENT_ATOL)) {
                                return CaseResult.failed(d, key + "[" + k + "]: " + got[k] + " vs reference " + ref[k]
                                        + " (tolerance " + LATENT_ATOL + ")");
                            }
                            worst = Math.max(worst, d / Math.max(1, Math.abs(ref[k])));
                        }
                    }
                    if (io.names().contains("image")) {
                        float[] ref = io.tensor("image").toFloat32().toFloatArray();   // [1, H, W, 3] in [0, 1]
                        RgbImage png = result.images().get(0).image();
                        int width = png.width();
                        int off = 0;
                        for (int p = 0; p < ref.length / 3; p++) {
                            for (int c = 0; c < 3; c++) {
                                int expected = (int) Math.rint(ref[3 * p + c] * 255f);
                                off = Math.max(off, Math.abs(png.channel(p % width, p / width, c) - expected));
                            }
                        }
                        if (off > 1) return CaseResult.failed(off / 255.0, "image pixels differ by up to " + off + " levels");
                        if (off > 0) exact = false;
                    }
                }
                return CaseResult.passed(worst, exact);
            } catch (IOException | RuntimeException e) {
                return CaseResult.failed(Double.NaN, e.toString());
            }
        }
    }
}
