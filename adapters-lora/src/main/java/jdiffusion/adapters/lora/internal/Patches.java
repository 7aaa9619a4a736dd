package jdiffusion.adapters.lora.internal;

import jdiffusion.core.adapter.LayerPatch;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.Tensor;

/** The {@link LayerPatch}es adapter modules become once bound to a layer and a strength. */
public final class Patches {

    private Patches() {
    }

    /**
     * The patch for {@code change} (and its DoRA magnitude, or null) on a layer with base weight
     * {@code weight} and bias {@code bias} (may be null) at {@code strength}.
     */
    public static LayerPatch of(ModuleChange change, Dora dora, Tensor weight, Tensor bias, float strength) {
        int[] w = weight.shape();
        if (dora != null) {
            if (change instanceof ModuleChange.LowRank lr && dora.axis(w) == Dora.Axis.OUTPUT) {
                return new LowRankDoraPatch(lr, dora, weight, bias, strength);
            }
            float[] base = weight.toFloatArray();
            float[] dw = dora.weightDelta(base, change.delta(w), w, strength);
            return new DensePatch(Tensor.wrap(dw, w), null);
        }
        float[] db = change.biasDelta();
        Tensor biasDelta = null;
        if (db != null) {
            Dense.scaleInPlace(db, strength);
            biasDelta = Tensor.wrap(db, db.length);
        }
        if (change instanceof ModuleChange.LowRank lr) return new LowRankPatch(lr, w, strength, biasDelta);
        float[] dw = change.delta(w);
        Dense.scaleInPlace(dw, strength);
        return new DensePatch(Tensor.wrap(dw, w), biasDelta);
    }

    /** A change held as its full weight delta (LoHa, LoKr, full differences, input-axis DoRA). */
    record DensePatch(Tensor weightDelta, Tensor biasDelta) implements LayerPatch {

        @Override
        public Tensor outputDelta(Backend backend, Tensor x, Tensor y, Conv2dParams conv) {
            Tensor wd = backend.fromHost(weightDelta);
            Tensor bd = biasDelta == null ? null : backend.fromHost(biasDelta);
            return conv == null ? backend.linear(x, flat2d(wd), bd) : backend.conv2d(x, wd, bd, conv);
        }
    }

    /**
     * A LoRA/LoCon applied at run time through its factors, as kohya's and PEFT's forward do:
     * y += w * s * up(down(x)), with down a convolution of the layer's geometry (or a 1x1 convolution
     * followed by the Tucker core) and up a 1x1 convolution.
     */
    static final class LowRankPatch implements LayerPatch {
        private final ModuleChange.LowRank change;
        private final int[] w;
        private final float strength;
        private final Tensor down;   // [r, in] or [r, in, kh, kw] (or [r, in, 1, 1] with a core)
        private final Tensor mid;    // [r', r, kh, kw] or null
        private final Tensor up;     // [out, r'] or [out, r', 1, 1]
        private final Tensor biasDelta;
        private volatile Tensor weightDelta;

        LowRankPatch(ModuleChange.LowRank change, int[] w, float strength, Tensor biasDelta) {
            this.change = change;
            this.w = w.clone();
            this.strength = strength;
            this.biasDelta = biasDelta;
            int r = change.rank();
            int out = w[0];
            int upRank = (int) (change.up().numel() / out);
            boolean conv = w.length == 4;
            Tensor m = change.mid() == null ? null : change.mid().toFloat32();
            this.mid = m;
            if (!conv) {
                down = change.down().toFloat32().reshape(r, w[1]);
            } else if (m == null) {
                down = change.down().toFloat32().reshape(r, w[1], w[2], w[3]);
            } else {
                down = change.down().toFloat32().reshape(r, w[1], 1, 1);
            }
            up = conv ? change.up().toFloat32().reshape(out, upRank, 1, 1) : change.up().toFloat32().reshape(out, upRank);
        }

        @Override
        public Tensor weightDelta() {
            Tensor d = weightDelta;
            if (d == null) {
                float[] v = change.delta(w);
                Dense.scaleInPlace(v, strength);
                weightDelta = d = Tensor.wrap(v, w);
            }
            return d;
        }

        @Override
        public Tensor biasDelta() {
            return biasDelta;
        }

        /** up(mid(down(x))) without scale. */
        Tensor lowRank(Backend backend, Tensor x, Conv2dParams conv) {
            if (conv == null) {
                return backend.linear(backend.linear(x, backend.fromHost(down), null), backend.fromHost(up), null);
            }
            Conv2dParams pointwise = Conv2dParams.of(1, 0);
            Tensor h;
            if (mid == null) {
                h = backend.conv2d(x, backend.fromHost(down), null, conv);
            } else {
                h = backend.conv2d(x, backend.fromHost(down), null, pointwise);
                h = backend.conv2d(h, backend.fromHost(mid), null, conv);
            }
            return backend.conv2d(h, backend.fromHost(up), null, pointwise);
        }

        @Override
        public Tensor outputDelta(Backend backend, Tensor x, Tensor y, Conv2dParams conv) {
            Tensor d = backend.scale(lowRank(backend, x, conv), (float) (strength * change.scale()));
            if (biasDelta != null) d = backend.add(d, backend.fromHost(channelShaped(biasDelta, conv != null)));
            return d;
        }
    }

    /**
     * PEFT's DoRA on a LoRA, applied at run time as PEFT's forward does:
     * y += (m/n - 1) (y - b) + (m/n) w s up(down(x)), with n = ||W + w s up@down||_row.
     */
    static final class LowRankDoraPatch implements LayerPatch {
        private final LowRankPatch lowRank;
        private final Tensor ratio;        // m/n [out]
        private final Tensor ratioMinus1;  // m/n - 1 [out]
        private final Tensor negBias;      // -b [out] or null
        private final Tensor weightDelta;

        LowRankDoraPatch(ModuleChange.LowRank change, Dora dora, Tensor weight, Tensor bias, float strength) {
            int[] w = weight.shape();
            this.lowRank = new LowRankPatch(change, w, strength, null);
            float[] base = weight.toFloatArray();
            float[] scaled = lowRank.weightDelta().toFloatArray();
            float[] r = dora.outputRatio(base, scaled, w);
            float[] r1 = new float[r.length];
            for (int i = 0; i < r.length; i++) r1[i] = r[i] - 1;
            this.ratio = Tensor.wrap(r, r.length);
            this.ratioMinus1 = Tensor.wrap(r1, r1.length);
            if (bias != null) {
                float[] nb = bias.toFloatArray();
                for (int i = 0; i < nb.length; i++) nb[i] = -nb[i];
                this.negBias = Tensor.wrap(nb, nb.length);
            } else {
                this.negBias = null;
            }
            float[] d = new float[base.length];
            int rest = base.length / w[0];
            for (int o = 0; o < w[0]; o++) {
                for (int j = 0; j < rest; j++) {
                    int i = o * rest + j;
                    d[i] = (float) (r[o] * ((double) base[i] + scaled[i]) - base[i]);
                }
            }
            this.weightDelta = Tensor.wrap(d, w);
        }

        @Override
        public Tensor weightDelta() {
            return weightDelta;
        }

        @Override
        public Tensor outputDelta(Backend backend, Tensor x, Tensor y, Conv2dParams conv) {
            boolean isConv = conv != null;
            Tensor plain = negBias == null ? y : backend.add(y, backend.fromHost(channelShaped(negBias, isConv)));
            Tensor a = backend.mul(plain, backend.fromHost(channelShaped(ratioMinus1, isConv)));
            Tensor lr = backend.scale(lowRank.lowRank(backend, x, conv), (float) (lowRank.strength * lowRank.change.scale()));
            return backend.add(a, backend.mul(lr, backend.fromHost(channelShaped(ratio, isConv))));
        }
    }

    /** A per-output vector [out] shaped to broadcast over a layer's output: [out] or [out, 1, 1]. */
    static Tensor channelShaped(Tensor v, boolean conv) {
        return conv ? v.reshape(v.dim(0), 1, 1) : v;
    }

    static Tensor flat2d(Tensor t) {
        return t.rank() == 2 ? t : t.reshape(t.dim(0), -1);
    }
}
