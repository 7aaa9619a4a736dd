package jdiffusion.adapters.controlnet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.unet.UNet2DConditionModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scale, start/end range and several ControlNets at once, checked against diffusers' UNet outputs with and
 * without the residuals (reference), and against the linearity of the residuals in the scale.
 */
class ControlledNoisePredictorTest {

    private static UNet2DConditionModel unet;
    private static ControlNetModel controlnet;
    private static SafetensorsFile io;

    @BeforeAll
    static void load() throws Exception {
        unet = Fixtures.unet();
        controlnet = Fixtures.controlnet();
        io = Fixtures.io();
    }

    private static Tensor run(List<ControlNetUnit> units) {
        return new ControlledNoisePredictor(unet, Fixtures.BACKEND, units).predict(io.tensor("in.sample"),
                io.tensor("in.timestep").toFloatArray(), Conditioning.text(io.tensor("in.encoder_hidden_states")));
    }

    /** At timestep 981 the denoising is 1 - 981/999 = 1.8 % done. */
    @Test
    void aUnitActsOnlyWithinItsStartAndEnd() {
        Tensor image = io.tensor("in.controlnet_cond");
        Tensor early = run(List.of(new ControlNetUnit(controlnet, image, 0.7f, 0f, 0.5f, false)));
        ControlNetParityTest.close("active", io.tensor("unet_with_residuals.out"), early);
        Tensor late = run(List.of(new ControlNetUnit(controlnet, image, 0.7f, 0.5f, 1f, false)));
        ControlNetParityTest.close("inactive before start", io.tensor("unet_without_residuals.out"), late);
        Tensor ended = run(List.of(new ControlNetUnit(controlnet, image, 0.7f, 0f, 0.01f, false)));
        ControlNetParityTest.close("inactive after end", io.tensor("unet_without_residuals.out"), ended);
    }

    /** Residuals are linear in the scale, so two units at 0.3 and 0.4 sum to one at 0.7. */
    @Test
    void severalControlNetsAddTheirResiduals() {
        Tensor image = io.tensor("in.controlnet_cond");
        Tensor two = run(List.of(ControlNetUnit.of(controlnet, image, 0.3f), ControlNetUnit.of(controlnet, image, 0.4f)));
        ControlNetParityTest.close("two units", io.tensor("unet_with_residuals.out"), two);
    }

    /** One control image for a batch of two is repeated. */
    @Test
    void oneControlImageServesTheWholeBatch() {
        Tensor both = io.tensor("in.controlnet_cond");
        float[] v = both.toFloatArray();
        int per = v.length / 2;
        float[] first = java.util.Arrays.copyOf(v, per);
        Tensor one = Tensor.wrap(first, 1, 3, both.dim(2), both.dim(3));
        Tensor twice = Tensor.wrap(concat(first, first), both.shape());
        Tensor a = run(List.of(ControlNetUnit.of(controlnet, one, 0.7f)));
        Tensor b = run(List.of(ControlNetUnit.of(controlnet, twice, 0.7f)));
        assertTrue(ControlNetParityTest.maxAbs(Fixtures.BACKEND.toHost(a).toFloatArray(), Fixtures.BACKEND.toHost(b).toFloatArray()) == 0);
    }

    /** Guess mode scales residual i of k by 10^(i/k - 1) (diffusers' logspace(-1, 0, k + 1)), the mid one by 1. */
    @Test
    void guessModeScalesResidualsFromATenthToOne() {
        Conditioning c = Conditioning.text(io.tensor("in.encoder_hidden_states"));
        float[] t = io.tensor("in.timestep").toFloatArray();
        ControlNetOutput plain = controlnet.forward(io.tensor("in.sample"), t, c, io.tensor("in.controlnet_cond"), 1f, false);
        ControlNetOutput guess = controlnet.forward(io.tensor("in.sample"), t, c, io.tensor("in.controlnet_cond"), 1f, true);
        int k = plain.down().size();
        for (int i = 0; i < k; i++) {
            float[] p = Fixtures.BACKEND.toHost(plain.down().get(i)).toFloatArray();
            float[] g = Fixtures.BACKEND.toHost(guess.down().get(i)).toFloatArray();
            double f = Math.pow(10, -1 + (double) i / k);
            for (int j = 0; j < p.length; j++) assertTrue(Math.abs(g[j] - f * p[j]) <= 1e-5 * (1 + Math.abs(p[j])), "residual " + i);
        }
        ControlNetParityTest.close("mid", plain.mid(), guess.mid());
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
