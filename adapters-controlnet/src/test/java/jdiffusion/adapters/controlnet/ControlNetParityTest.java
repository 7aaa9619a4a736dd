package jdiffusion.adapters.controlnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.unet.UNet2DConditionModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * controlnet-tiny (ControlNetModel.from_unet of the tiny SD1.5 UNet, 8x conditioning embedding): the
 * residuals at conditioning scale 0.7 and the UNet output with them match diffusers.
 */
class ControlNetParityTest {

    static final double ATOL = 1e-4;
    static final double RTOL = 1e-4;

    private static ControlNetModel controlnet;
    private static SafetensorsFile io;

    @BeforeAll
    static void load() throws Exception {
        controlnet = Fixtures.controlnet();
        io = Fixtures.io();
    }

    @Test
    void residualsMatchDiffusersAtScale07() {
        ControlNetOutput out = controlnet.forward(io.tensor("in.sample"), io.tensor("in.timestep").toFloatArray(),
                Conditioning.text(io.tensor("in.encoder_hidden_states")), io.tensor("in.controlnet_cond"), 0.7f, false);
        assertEquals(controlnet.residualCount(), out.down().size());
        double worst = 0;
        for (int i = 0; i < out.down().size(); i++) {
            worst = Math.max(worst, close("down " + i, io.tensor("out.down_block_res_samples." + i), out.down().get(i)));
        }
        worst = Math.max(worst, close("mid", io.tensor("out.mid_block_res_sample"), out.mid()));
        System.out.printf("controlnet-tiny residuals: max abs error %.2e%n", worst);
    }

    @Test
    void unetWithTheControlNetMatchesDiffusers() throws Exception {
        UNet2DConditionModel unet = Fixtures.unet();
        ControlledNoisePredictor controlled = new ControlledNoisePredictor(unet, Fixtures.BACKEND,
                List.of(ControlNetUnit.of(controlnet, io.tensor("in.controlnet_cond"), 0.7f)));
        Tensor out = controlled.predict(io.tensor("in.sample"), io.tensor("in.timestep").toFloatArray(),
                Conditioning.text(io.tensor("in.encoder_hidden_states")));
        double err = close("unet with residuals", io.tensor("unet_with_residuals.out"), out);
        double effect = maxAbs(io.tensor("unet_with_residuals.out").toFloatArray(), io.tensor("unet_without_residuals.out").toFloatArray());
        System.out.printf("controlnet-tiny UNet with residuals: max abs error %.2e (effect %.2f)%n", err, effect);
        assertTrue(effect > 0.1);
    }

    static double close(String what, Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray();
        float[] a = Fixtures.BACKEND.toHost(actual).toFloatArray();
        assertEquals(e.length, a.length, what + " size");
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= ATOL + RTOL * Math.abs(e[i]))) fail(what + "[" + i + "]: expected " + e[i] + ", got " + a[i]);
            worst = Math.max(worst, d);
        }
        return worst;
    }

    static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }
}
