package jdiffusion.adapters.lora.internal;

/**
 * The role of one tensor of an adapter file within its module, recognised by the key's suffix. Several
 * spellings name the same role: kohya/LyCORIS ({@code lora_down}), PEFT ({@code lora_A}) and the older
 * diffusers ones ({@code lora.down}, {@code to_q_lora.down}, {@code lora_linear_layer.down}).
 */
public enum Part {
    /** LoRA down projection [r, in(, kh, kw)]. */
    LORA_DOWN(".lora_down.weight", ".lora_A.weight", ".lora_A.default.weight", ".lora.down.weight",
            "_lora.down.weight", ".lora_linear_layer.down.weight"),
    /** LoRA up projection [out, r(, 1, 1)]. */
    LORA_UP(".lora_up.weight", ".lora_B.weight", ".lora_B.default.weight", ".lora.up.weight",
            "_lora.up.weight", ".lora_linear_layer.up.weight"),
    /** Tucker core of a LoCon convolution [r, r, kh, kw]. */
    LORA_MID(".lora_mid.weight"),
    /** Bias of PEFT's lora_B (lora_bias=True) [out]. */
    LORA_UP_BIAS(".lora_B.bias", ".lora_up.bias"),
    /** The scalar alpha; scale = alpha / r. */
    ALPHA(".alpha"),
    /** kohya/LyCORIS DoRA magnitude: [out, 1(, 1, 1)] or [1, in(, 1, 1)]. */
    DORA_SCALE(".dora_scale"),
    /** PEFT DoRA magnitude [out] (Linear) or [1, out, 1, 1] (Conv2d). */
    MAGNITUDE(".lora_magnitude_vector", ".lora_magnitude_vector.weight", ".lora_magnitude_vector.default.weight"),
    HADA_W1_A(".hada_w1_a"),
    HADA_W1_B(".hada_w1_b"),
    HADA_W2_A(".hada_w2_a"),
    HADA_W2_B(".hada_w2_b"),
    HADA_T1(".hada_t1"),
    HADA_T2(".hada_t2"),
    LOKR_W1(".lokr_w1"),
    LOKR_W1_A(".lokr_w1_a"),
    LOKR_W1_B(".lokr_w1_b"),
    LOKR_W2(".lokr_w2"),
    LOKR_W2_A(".lokr_w2_a"),
    LOKR_W2_B(".lokr_w2_b"),
    LOKR_T2(".lokr_t2"),
    /** A full weight difference, shaped as the weight. */
    DIFF(".diff"),
    /** A full bias difference. */
    DIFF_B(".diff_b");

    private final String[] suffixes;

    Part(String... suffixes) {
        this.suffixes = suffixes;
    }

    /** One tensor's key split into its module name (as written in the file) and its part. */
    public record Key(String module, Part part) {
    }

    /**
     * Splits {@code key} at the longest known suffix, or returns null when it has none. A suffix starting
     * with {@code _} (the old diffusers {@code to_q_lora.down.weight}) leaves the module name {@code ...to_q}.
     */
    public static Key parse(String key) {
        Part best = null;
        String bestSuffix = null;
        for (Part p : values()) {
            for (String s : p.suffixes) {
                if (key.endsWith(s) && key.length() > s.length() && (bestSuffix == null || s.length() > bestSuffix.length())) {
                    best = p;
                    bestSuffix = s;
                }
            }
        }
        if (best == null) return null;
        return new Key(key.substring(0, key.length() - bestSuffix.length()), best);
    }
}
