/**
 * The technology compatibility kit: abstract JUnit 5 contract tests a sampler, schedule or backend
 * implementation extends in a few lines to prove it behaves as jdiffusion expects.
 */
module jdiffusion.tck {
    requires transitive jdiffusion.core;
    requires transitive org.junit.jupiter.api;

    exports jdiffusion.tck;

    opens jdiffusion.tck to org.junit.platform.commons;
}
