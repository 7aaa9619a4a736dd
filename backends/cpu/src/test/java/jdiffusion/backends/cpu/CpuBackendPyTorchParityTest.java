package jdiffusion.backends.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Single operations against activations PyTorch computed inside diffusers' UNet2DConditionModel
 * (refdata/models/unet-sd15-tiny, case1; see src/test/resources/refdata/extract.py): the ops chained
 * exactly as diffusers chains them around each hooked module.
 */
class CpuBackendPyTorchParityTest {

    private static final RefTensors REF = new RefTensors("/refdata/unet-sd15-tiny-ops.safetensors.gz");
    private static final Backend CPU = new CpuBackendProvider().create("", 2);

    /** Per-op agreement expected of float32 code: the data's own float32-vs-float64 spread is ~2e-6. */
    private static final float ATOL = 1e-5f;

    @AfterAll
    static void close() {
        CPU.close();
    }

    private static void assertMatches(Tensor expected, Tensor actual, float atol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        float max = 0;
        for (int i = 0; i < e.length; i++) max = Math.max(max, Math.abs(e[i] - a[i]));
        assertTrue(max <= atol, what + ": max |diff| " + max + " exceeds " + atol);
    }

    private static Tensor timeProj() {
        float t = REF.get("case1.in.timestep").getFloat(0);
        // The UNet broadcasts the single timestep to the batch of 2; Timesteps(32, flip_sin_to_cos=True, shift 0).
        return CPU.timestepEmbedding(new float[]{t, t}, 32, true, 0, 1, 10000);
    }

    @Test
    void timestepEmbeddingMatchesDiffusersTimeProj() {
        assertMatches(REF.get("case1.act.time_proj"), timeProj(), ATOL, "time_proj");
    }

    @Test
    void linearSiluLinearMatchesDiffusersTimeEmbedding() {
        Tensor h = CPU.linear(REF.get("case1.act.time_proj"), REF.get("time_embedding.linear_1.weight"),
                REF.get("time_embedding.linear_1.bias"));
        h = CPU.linear(CPU.silu(h), REF.get("time_embedding.linear_2.weight"), REF.get("time_embedding.linear_2.bias"));
        assertMatches(REF.get("case1.act.time_embedding"), h, ATOL, "time_embedding");
    }

    @Test
    void conv2dMatchesDiffusersConvIn() {
        Tensor y = CPU.conv2d(REF.get("case1.in.sample"), REF.get("conv_in.weight"), REF.get("conv_in.bias"),
                Conv2dParams.of(1, 1));
        assertMatches(REF.get("case1.act.conv_in"), y, ATOL, "conv_in");
    }

    @Test
    void groupNormMatchesDiffusersConvNormOut() {
        Tensor y = CPU.groupNorm(REF.get("case1.act.up_blocks.2"), 8, REF.get("conv_norm_out.weight"),
                REF.get("conv_norm_out.bias"), 1e-5f);
        assertMatches(REF.get("case1.act.conv_norm_out"), y, ATOL, "conv_norm_out");
    }

    @Test
    void siluThenConvMatchesDiffusersOutputHead() {
        Tensor y = CPU.conv2d(CPU.silu(REF.get("case1.act.conv_norm_out")), REF.get("conv_out.weight"),
                REF.get("conv_out.bias"), Conv2dParams.of(1, 1));
        assertMatches(REF.get("case1.out"), y, ATOL, "conv_out(silu(conv_norm_out))");
    }
}
