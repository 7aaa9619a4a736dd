package jdiffusion.core.conformance;

import java.util.List;

/** A named group of reference cases reported on one line, e.g. one scheduler class or one sampler. */
public interface ConformanceGroup {

    /** The name the report line starts with ({@code EulerDiscreteScheduler}, {@code euler_ancestral}, ...). */
    String name();

    List<ConformanceCase> cases();

    /**
     * The reference implementation the cases come from, as report lines name it when its own bug makes a
     * case diverge ({@code diverges-from-diffusers-bug}); "diffusers" unless a suite says otherwise.
     */
    default String reference() {
        return "diffusers";
    }
}
