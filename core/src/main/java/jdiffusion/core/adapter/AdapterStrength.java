package jdiffusion.core.adapter;

/**
 * How strongly an adapter is applied to each kind of network: the UNet and the text encoders, as
 * A1111's {@code <lora:name:te:unet>} and ComfyUI's LoraLoader (strength_model / strength_clip) allow.
 * 1 is the adapter as trained, 0 leaves the network unchanged.
 */
public record AdapterStrength(float unet, float textEncoder) {

    /** The same strength for every network. */
    public static AdapterStrength of(float strength) {
        return new AdapterStrength(strength, strength);
    }

    /** The strength for the network named {@code network} ({@code unet} or a text encoder). */
    public float forNetwork(String network) {
        return Networks.UNET.equals(network) ? unet : textEncoder;
    }
}
