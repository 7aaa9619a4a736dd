package jdiffusion.core.adapter;

/**
 * An adapter that does not fit the model it is applied to: a tensor whose shape does not match the layer
 * its key names (an adapter trained for another model, such as an SDXL LoRA on an SD1 model), or a file
 * in which nothing matches the model. The message names the file and the first key that does not fit.
 */
public class AdapterMismatchException extends IllegalArgumentException {

    private final String source;
    private final String key;

    public AdapterMismatchException(String source, String key, String message) {
        super(source + ": " + message);
        this.source = source;
        this.key = key;
    }

    /** The adapter file. */
    public String source() {
        return source;
    }

    /** The first key that did not fit, or null when the problem is the file as a whole. */
    public String key() {
        return key;
    }
}
