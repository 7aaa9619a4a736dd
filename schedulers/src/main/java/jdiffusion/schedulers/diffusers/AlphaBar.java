package jdiffusion.schedulers.diffusers;

import jdiffusion.samplers.step.Float32Math;
import jdiffusion.samplers.step.Thresholding;
import jdiffusion.samplers.step.VpParameterization;

/**
 * The alpha-bar form shared by DDPM, DDIM, DDIMInverse, LCM and TCD: reading the model output as x0 and
 * eps with alpha_t = sqrt(alpha-bar_t), sigma_t = sqrt(1 - alpha-bar_t), and keeping x0 in range.
 */
final class AlphaBar {

    private AlphaBar() {
    }

    /** x0 from the model output for {@code prediction} (epsilon, sample or v_prediction). */
    static float[] x0(String prediction, float[] sample, float[] out, float alphaProd) {
        float a = Float32Math.sqrt(alphaProd);
        float b = Float32Math.sqrt(1 - alphaProd);
        return switch (prediction) {
            case "epsilon" -> VpParameterization.x0FromEpsilon(sample, out, a, b);
            case "sample" -> out;
            case "v_prediction" -> VpParameterization.x0FromVelocity(sample, out, a, b);
            default -> throw new IllegalArgumentException(prediction);
        };
    }

    /** eps from the model output (and x0 where the output is x0). */
    static float[] epsilon(String prediction, float[] sample, float[] out, float[] x0, float alphaProd) {
        float a = Float32Math.sqrt(alphaProd);
        float b = Float32Math.sqrt(1 - alphaProd);
        return switch (prediction) {
            case "epsilon" -> out;
            case "sample" -> VpParameterization.epsilonFromX0(sample, x0, a, b);
            case "v_prediction" -> VpParameterization.epsilonFromVelocity(sample, out, a, b);
            default -> throw new IllegalArgumentException(prediction);
        };
    }

    /** The x0 range options of a class: dynamic thresholding, else clipping, else none. */
    record Range(boolean thresholding, double ratio, double maxValue, boolean clip, float clipRange) {

        static Range read(Options o, boolean hasThresholding, boolean clipDefault) {
            boolean th = hasThresholding && o.flag("thresholding", false);
            return new Range(th, o.real("dynamic_thresholding_ratio", 0.995), o.real("sample_max_value", 1.0),
                    o.flag("clip_sample", clipDefault), (float) o.real("clip_sample_range", 1.0));
        }

        float[] apply(float[] x0) {
            if (thresholding) return Thresholding.dynamic(x0, 1, ratio, maxValue);
            if (clip) return Thresholding.clip(x0, clipRange);
            return x0;
        }
    }

    static float at(float[] alphasCumprod, double t, String className) {
        if (t != Math.rint(t) || t < 0 || t >= alphasCumprod.length) {
            throw new IllegalStateException(className + ": timestep " + t + " is outside the training schedule 0.." + (alphasCumprod.length - 1));
        }
        return alphasCumprod[(int) t];
    }
}
