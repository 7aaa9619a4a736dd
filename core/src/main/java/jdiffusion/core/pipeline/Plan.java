package jdiffusion.core.pipeline;

import jdiffusion.core.Config;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.sampling.NoiseSourceFactory;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.core.scheduler.Scheduler;

/**
 * A request resolved against a model: sizes, the reverse process (a diffusers scheduler, or a sampler with
 * a sigma schedule), the noise source, the prompt conditioning and the prepared images. Shared by the
 * batches of one request; immutable.
 */
record Plan(GenerationRequest request, int width, int height, int latentHeight, int latentWidth, int channels,
            Scheduler scheduler, Config schedulerConfig, Sampler sampler, SigmaSchedule schedule, String scheduleName,
            DiscreteModelSampling modelSampling, NoiseSourceFactory noise, Conditioning conditioning, boolean guidance,
            float[] initImage, float[] mask) {

    boolean diffusersFace() {
        return scheduler != null;
    }

    int latentSize(int batch) {
        return batch * channels * latentHeight * latentWidth;
    }
}
