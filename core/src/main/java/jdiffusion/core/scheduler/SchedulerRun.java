package jdiffusion.core.scheduler;

import java.util.Map;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.tensor.DType;

/**
 * One sampling run of a diffusers-compatible scheduler: the schedule {@code set_timesteps} produced and
 * the state multistep methods carry between steps. Used by one thread; the loop is
 *
 * <pre>
 * x = x_T * (float) initNoiseSigma()
 * for i in 0 .. timesteps().length - 1:
 *     out = model(scaleModelInput(x, i), timesteps()[i])
 *     x   = step(out, i, x, noise)
 * </pre>
 *
 * <p>Steps must be taken in order, each once. Tensors are flat float32 arrays (any shape); the run
 * never modifies the arrays it is given.
 */
public interface SchedulerRun {

    /** The timesteps the model is evaluated at, one per step (whole numbers when {@link #timestepType()} is INT64). */
    double[] timesteps();

    /** How diffusers holds the timesteps: {@link DType#INT64}, {@link DType#FLOAT32} or {@link DType#FLOAT64}. */
    DType timestepType();

    /** The noise levels, or null for classes without sigmas (DDPM, DDIM, PNDM, LCM, TCD, IPNDM). */
    float[] sigmas();

    /** The factor applied to unit-variance noise to form the initial latent (rounded to float32 when applied). */
    double initNoiseSigma();

    /** diffusers' {@code num_inference_steps} after {@code set_timesteps} (some classes count the timesteps). */
    int numInferenceSteps();

    /**
     * Further schedule arrays the class keeps, by diffusers' attribute name ({@code sigmas_interpol},
     * {@code order_list}, {@code final_alpha_cumprod}, ...); scalars are arrays of length one.
     */
    default Map<String, double[]> internalSchedules() {
        return Map.of();
    }

    /** Scales the model input at step {@code i} (diffusers' {@code scale_model_input}); returns a new array or {@code sample}. */
    float[] scaleModelInput(float[] sample, int i);

    /**
     * One step from the model output at step {@code i}: diffusers' {@code step(...).prev_sample}.
     * Noise, where the method needs it, is drawn from {@code noise} in diffusers' order.
     */
    float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise);

    /**
     * The forward process, diffusers' {@code add_noise(original, noise, timesteps)}: row {@code k} of the
     * batch (an equal share of the arrays) is noised to {@code timesteps[k]}.
     *
     * @throws UnsupportedOperationException for classes without it
     */
    default float[] addNoise(float[] original, float[] noise, double[] timesteps) {
        throw new UnsupportedOperationException("add_noise is not defined for this scheduler");
    }

    /**
     * The velocity target v = alpha_t * noise - sigma_t * sample of Salimans &amp; Ho (2022), diffusers'
     * {@code get_velocity(sample, noise, timesteps)}, row by row as {@link #addNoise}.
     *
     * @throws UnsupportedOperationException for classes without it
     */
    default float[] velocity(float[] sample, float[] noise, double[] timesteps) {
        throw new UnsupportedOperationException("get_velocity is not defined for this scheduler");
    }

    /**
     * The flow-matching forward process x_t = sigma * noise + (1 - sigma) * sample, diffusers'
     * {@code scale_noise(sample, timestep, noise)}, row by row as {@link #addNoise}.
     *
     * @throws UnsupportedOperationException for classes without it
     */
    default float[] scaleNoise(float[] sample, double[] timesteps, float[] noise) {
        throw new UnsupportedOperationException("scale_noise is not defined for this scheduler");
    }
}
