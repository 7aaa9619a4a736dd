package jdiffusion.models.weights;

/** Weights that do not fit the model: a missing key, a wrong shape, an unsupported dtype. */
public class WeightException extends IllegalArgumentException {

    public WeightException(String message) {
        super(message);
    }
}
