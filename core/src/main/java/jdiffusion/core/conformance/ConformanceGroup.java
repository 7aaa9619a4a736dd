package jdiffusion.core.conformance;

import java.util.List;

/** A named group of reference cases reported on one line, e.g. one scheduler class or one sampler. */
public interface ConformanceGroup {

    /** The name the report line starts with ({@code EulerDiscreteScheduler}, {@code euler_ancestral}, ...). */
    String name();

    List<ConformanceCase> cases();
}
