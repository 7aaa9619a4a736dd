package jdiffusion.adapters.lora.internal;

import jdiffusion.core.adapter.LayerPatch;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.Tensor;

/** Two patches one file makes to the same layer (named twice, e.g. in LDM and diffusers spelling): their sum. */
record SumPatch(LayerPatch a, LayerPatch b) implements LayerPatch {

    @Override
    public Tensor weightDelta() {
        return add(a.weightDelta(), b.weightDelta());
    }

    @Override
    public Tensor biasDelta() {
        Tensor x = a.biasDelta();
        Tensor y = b.biasDelta();
        return x == null ? y : y == null ? x : add(x, y);
    }

    @Override
    public Tensor outputDelta(Backend backend, Tensor x, Tensor y, Conv2dParams conv) {
        return backend.add(a.outputDelta(backend, x, y, conv), b.outputDelta(backend, x, y, conv));
    }

    private static Tensor add(Tensor x, Tensor y) {
        float[] u = x.toFloatArray();
        float[] v = y.toFloatArray();
        for (int i = 0; i < u.length; i++) u[i] += v[i];
        return Tensor.wrap(u, x.shape());
    }
}
