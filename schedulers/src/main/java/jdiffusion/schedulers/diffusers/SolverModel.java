package jdiffusion.schedulers.diffusers;

import jdiffusion.samplers.step.DpmSolverStep;
import jdiffusion.samplers.step.Float32Math;
import jdiffusion.samplers.step.Thresholding;
import jdiffusion.samplers.step.VpParameterization;

/**
 * The noise-level conventions of the multistep solvers: alpha_t, sigma_t from a sigma (variance preserving,
 * or flow matching where alpha_t = 1 - sigma), and the conversion of the model output to the x0 or eps the
 * solver integrates (diffusers' {@code convert_model_output}).
 */
final class SolverModel {

    final String prediction;
    final boolean flow;
    final boolean thresholding;
    final double ratio;
    final double maxValue;
    /** Whether the model also predicts its variance ({@code variance_type} learned or learned_range). */
    final boolean learnedVariance;

    SolverModel(Options o, boolean flow, String... predictions) {
        this(o, flow, false, predictions);
    }

    /** {@code varianceOption}: whether the class reads {@code variance_type}. */
    SolverModel(Options o, boolean flow, boolean varianceOption, String... predictions) {
        this.prediction = o.choice("prediction_type", "epsilon", predictions);
        this.flow = flow;
        this.thresholding = o.flag("thresholding", false);
        this.ratio = o.real("dynamic_thresholding_ratio", 0.995);
        this.maxValue = o.real("sample_max_value", 1.0);
        String variance = varianceOption && o.has("variance_type") ? o.choice("variance_type", null, "learned", "learned_range") : null;
        this.learnedVariance = variance != null;
    }

    /**
     * An epsilon prediction with a learned variance carries the variance after the prediction (twice the
     * sample's values for a batch of one); the solvers use only the prediction, as diffusers' slicing does.
     */
    float[] prediction(float[] out, float[] sample) {
        if (!learnedVariance || !prediction.equals("epsilon")) return out;
        if (out.length == 2 * sample.length) return java.util.Arrays.copyOf(out, sample.length);
        throw new IllegalStateException("a learned variance_type needs the model to predict the variance too (an output of "
                + 2 * sample.length + " values, prediction then variance), got " + out.length);
    }

    float alpha(float sigma) {
        return flow ? 1 - sigma : 1 / Float32Math.sqrt(sigma * sigma + 1);
    }

    float sigmaT(float sigma) {
        return flow ? sigma : sigma * alpha(sigma);
    }

    float[] threshold(float[] x0) {
        return thresholding ? Thresholding.dynamic(x0, 1, ratio, maxValue) : x0;
    }

    /** x0 from the model output at noise level {@code sigma}. */
    float[] x0(float[] out, float[] sample, float sigma) {
        out = prediction(out, sample);
        float a = alpha(sigma);
        float s = sigmaT(sigma);
        float[] x0 = switch (prediction) {
            case "epsilon" -> VpParameterization.x0FromEpsilon(sample, out, a, s);
            case "sample" -> out;
            case "v_prediction" -> VpParameterization.x0FromVelocity(sample, out, a, s);
            case "flow_prediction" -> VpParameterization.x0FromEpsilon(sample, out, 1f, sigma);
            default -> throw new IllegalStateException(prediction);
        };
        return threshold(x0);
    }

    /** eps from the model output at noise level {@code sigma} (thresholding through x0 when enabled). */
    float[] epsilon(float[] out, float[] sample, float sigma) {
        out = prediction(out, sample);
        float a = alpha(sigma);
        float s = sigmaT(sigma);
        float[] eps = switch (prediction) {
            case "epsilon" -> out;
            case "sample" -> VpParameterization.epsilonFromX0(sample, out, a, s);
            case "v_prediction" -> VpParameterization.epsilonFromVelocity(sample, out, a, s);
            default -> throw new IllegalStateException(prediction + " is not supported with a noise-prediction solver");
        };
        if (thresholding) {
            float[] x0 = Thresholding.dynamic(VpParameterization.x0FromEpsilon(sample, eps, a, s), 1, ratio, maxValue);
            eps = VpParameterization.epsilonFromX0(sample, x0, a, s);
        }
        return eps;
    }

    static DpmSolverStep.Algorithm algorithm(String name) {
        return switch (name) {
            case "dpmsolver" -> DpmSolverStep.Algorithm.DPMSOLVER;
            case "sde-dpmsolver" -> DpmSolverStep.Algorithm.SDE_DPMSOLVER;
            case "sde-dpmsolver++" -> DpmSolverStep.Algorithm.SDE_DPMSOLVER_PP;
            default -> DpmSolverStep.Algorithm.DPMSOLVER_PP;
        };
    }
}
