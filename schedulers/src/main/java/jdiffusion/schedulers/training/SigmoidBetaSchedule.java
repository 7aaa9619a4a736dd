package jdiffusion.schedulers.training;

import jdiffusion.core.schedule.BetaSchedule;
import jdiffusion.samplers.step.Float32Math;

/**
 * Betas following a sigmoid over [-6, 6], scaled to [beta_start, beta_end] (the schedule of Xu et al. 2022,
 * "GeoDiff"), float32 as diffusers computes it with {@code torch.sigmoid}.
 */
public final class SigmoidBetaSchedule implements BetaSchedule {

    @Override
    public String name() {
        return "sigmoid";
    }

    @Override
    public String description() {
        return "sigmoid ramp from beta_start to beta_end";
    }

    @Override
    public float[] betas(int numTrainTimesteps, double betaStart, double betaEnd) {
        float[] x = TorchLinspace.float32(-6, 6, numTrainTimesteps);
        float[] sig = Float32Math.sigmoidTensor(x);
        float scale = (float) (betaEnd - betaStart);
        float offset = (float) betaStart;
        for (int i = 0; i < x.length; i++) {
            x[i] = sig[i] * scale + offset;
        }
        return x;
    }
}
