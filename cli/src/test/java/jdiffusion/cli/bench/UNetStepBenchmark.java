package jdiffusion.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Params;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.models.weights.WeightSource;

/**
 * Seconds per sampling step of a UNet with random weights: one guided step is one UNet evaluation on the
 * [uncond, cond] batch. Not a test; run it with the test class path, e.g.
 *
 * <pre>
 * java -cp ... jdiffusion.cli.bench.UNetStepBenchmark sd15 512 3 [threads]
 * java -cp ... jdiffusion.cli.bench.UNetStepBenchmark tiny 64 20 [threads]
 * </pre>
 *
 * Arguments: the UNet ({@code sd15}: Stable Diffusion 1.5's config, 860M parameters; {@code tiny}: the
 * reference tiny UNet's config), the image size (latents are size / 8, or / 4 for tiny), timed steps after
 * one warm-up step, threads (0 for all cores).
 */
public final class UNetStepBenchmark {

    private UNetStepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "tiny";
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) Json.parse(new String(
                UNetStepBenchmark.class.getResourceAsStream("/bench/unet-" + which + ".json").readAllBytes()));
        UNetConfig unetConfig = UNetConfig.from(Config.of("unet-" + which + ".json", config));
        int factor = which.equals("tiny") ? 4 : 8;
        int latent = size / factor;
        int crossDim = ((Number) config.get("cross_attention_dim")).intValue();

        try (Backend backend = Plugins.builtIn().backends().get("cpu").create("", threads)) {
            long t0 = System.nanoTime();
            UNet2DConditionModel unet = new UNet2DConditionModel(unetConfig, Params.of(new RandomWeights(), backend), Parameterization.EPSILON);
            long built = System.nanoTime();
            Random r = new Random(1);
            float[] x = new float[2 * 4 * latent * latent];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            float[] ehs = new float[2 * 77 * crossDim];
            for (int i = 0; i < ehs.length; i++) ehs[i] = (float) r.nextGaussian();
            Tensor sample = backend.fromHost(Tensor.wrap(x, 2, 4, latent, latent));
            Conditioning cond = Conditioning.text(backend.fromHost(Tensor.wrap(ehs, 2, 77, crossDim)));
            backend.toHost(unet.predict(sample, new float[]{999, 999}, cond));   // warm-up
            List<Double> times = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                long a = System.nanoTime();
                backend.toHost(unet.predict(sample, new float[]{500, 500}, cond));
                times.add((System.nanoTime() - a) / 1e9);
            }
            double mean = times.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double min = times.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            System.out.printf(Locale.ROOT, "%s UNet, %dx%d image (latent %dx%d, guided batch 2), %s, %d threads: "
                            + "%.3f s/step mean, %.3f s/step best over %d steps (weights built in %.1f s)%n",
                    which, size, size, latent, latent, backend.name(), threads == 0 ? Runtime.getRuntime().availableProcessors() : threads,
                    mean, min, steps, (built - t0) / 1e9);
        }
    }

    /**
     * Every tensor a UNet asks for, drawn at random (weights N(0, 1/fan_in), norm scales 1, biases small),
     * except the attention projections' biases, which Stable Diffusion's UNet does not have.
     */
    static final class RandomWeights implements WeightSource {
        private final Random random = new Random(20260826);

        @Override
        public String description() {
            return "random weights";
        }

        @Override
        public Set<String> names() {
            return Set.of();
        }

        @Override
        public boolean contains(String name) {
            return !(name.endsWith("to_q.bias") || name.endsWith("to_k.bias") || name.endsWith("to_v.bias"));
        }

        @Override
        public Tensor tensor(String name) {
            throw new UnsupportedOperationException("random weights need the shape: " + name);
        }

        @Override
        public synchronized Tensor tensor(String name, int... shape) {
            int n = Math.toIntExact(Tensor.count(shape));
            float[] v = new float[n];
            if (shape.length == 1) {
                boolean scale = name.endsWith(".weight");
                for (int i = 0; i < n; i++) v[i] = (scale ? 1f : 0f) + 0.02f * (float) random.nextGaussian();
            } else {
                int fanIn = n / shape[0];
                float std = (float) (1 / Math.sqrt(fanIn));
                for (int i = 0; i < n; i++) v[i] = std * (float) random.nextGaussian();
            }
            return Tensor.wrap(v, shape);
        }
    }
}
