package jdiffusion.core.sampling;

/** Thrown (typically by a {@link StepListener}) to stop a sampling run early. */
public class SamplingCancelledException extends RuntimeException {
    public SamplingCancelledException(String message) {
        super(message);
    }
}
