package jdiffusion.core.conformance;

/** One reference case; running it never throws, failures are results. */
public interface ConformanceCase {

    /** The case id from the reference file. */
    String id();

    CaseResult run();
}
