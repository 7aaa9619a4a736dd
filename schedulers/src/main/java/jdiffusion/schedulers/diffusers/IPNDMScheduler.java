package jdiffusion.schedulers.diffusers;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.Float32Math;
import jdiffusion.samplers.step.IpndmStep;
import jdiffusion.samplers.step.PlmsStep;
import jdiffusion.schedulers.training.TorchLinspace;

/**
 * diffusers' {@code IPNDMScheduler}: the improved pseudo numerical method (Zhang &amp; Chen 2023) on the
 * schedule beta = sin(pi t / 2)^2, alpha = sqrt(1 - beta^2), t from 1 to 0, timesteps in [0, 1].
 */
public final class IPNDMScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "improved PNDM (Zhang & Chen 2023)", IPNDMScheduler::new);
        }
    }

    static final String NAME = "IPNDMScheduler";

    private final float[] trainedBetas;

    IPNDMScheduler(Config config) {
        super(NAME, config);
        options.integer("num_train_timesteps", 1000);
        trainedBetas = options.floats("trained_betas");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        return new Run(n);
    }

    private final class Run extends BaseRun {
        private final float[] betas;
        private final float[] alphas;
        private final List<float[]> ets = new ArrayList<>();

        Run(int n) {
            super(NAME);
            float[] steps = TorchLinspace.float32(1, 0, n + 1);
            steps[n] = 0f;
            if (trainedBetas != null) {
                betas = trainedBetas.clone();
            } else {
                betas = new float[n + 1];
                for (int k = 0; k <= n; k++) {
                    float s = Float32Math.sin(steps[k] * (float) Math.PI / 2);
                    betas[k] = s * s;
                }
            }
            alphas = new float[betas.length];
            for (int k = 0; k < betas.length; k++) alphas[k] = (float) Math.sqrt(1.0f - betas[k] * betas[k]);
            float[] angles = Float32Math.atan2Tensor(betas, alphas);
            timesteps = new double[betas.length - 1];
            for (int k = 0; k < timesteps.length; k++) timesteps[k] = angles[k] / (float) Math.PI * 2;
            timestepType = DType.FLOAT32;
            numInferenceSteps = n;
            internals.put("betas", BaseRun.toDoubles(betas));
            internals.put("alphas", BaseRun.toDoubles(alphas));
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            int k = stepIndex;
            if (k + 1 >= betas.length) throw new IllegalStateException(NAME + ": no schedule entry after step " + k);
            ets.add(IpndmStep.estimate(sample, modelOutput, betas[k], alphas[k]));
            float[] e = PlmsStep.combine(ets.size() > 4 ? ets.subList(ets.size() - 4, ets.size()) : ets);
            float[] prev = IpndmStep.transfer(sample, e, alphas[k], betas[k], alphas[k + 1], betas[k + 1]);
            stepIndex++;
            return prev;
        }
    }
}
