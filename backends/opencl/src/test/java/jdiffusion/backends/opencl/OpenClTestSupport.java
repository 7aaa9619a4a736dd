package jdiffusion.backends.opencl;

import java.util.concurrent.atomic.AtomicBoolean;
import jdiffusion.core.backend.Backend;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the OpenCL tests get their backend. Without an OpenCL platform every test is skipped through a
 * JUnit assumption, and one line on stderr says why; under {@code CI=true} a missing platform fails the
 * tests instead, so CI cannot pass with the OpenCL backend untested.
 */
final class OpenClTestSupport {

    private static final AtomicBoolean REPORTED = new AtomicBoolean();
    private static volatile String reason;

    private OpenClTestSupport() {
    }

    /** What the tests do about the platform. */
    enum Verdict { RUN, SKIP, FAIL }

    /** RUN when there is no reason the backend is unavailable; else FAIL under CI=true, SKIP otherwise. */
    static Verdict verdict(String unavailableReason, String ciVariable) {
        if (unavailableReason.isEmpty()) return Verdict.RUN;
        return "true".equalsIgnoreCase(ciVariable == null ? "" : ciVariable.trim()) ? Verdict.FAIL : Verdict.SKIP;
    }

    private static String unavailableReason() {
        String r = reason;
        if (r == null) reason = r = new OpenClBackendProvider().unavailableReason();
        return r;
    }

    /** Skips the calling test (or, under CI=true, fails it) when no OpenCL device is usable here. */
    static void assumeOpenCl() {
        String why = unavailableReason();
        switch (verdict(why, System.getenv("CI"))) {
            case RUN -> { }
            case FAIL -> Assertions.fail("CI=true but the OpenCL backend cannot run: " + why
                    + " (.ci/setup-opencl installs PoCL on Debian when run as root)");
            case SKIP -> {
                String line = "OpenCL tests skipped: " + why;
                if (REPORTED.compareAndSet(false, true)) System.err.println(line);
                Assumptions.abort(line);
            }
        }
    }

    /**
     * A backend on the device named by -Djdiffusion.test.opencl (default: the first GPU, else the first
     * device), or null when the tests are skipped ({@link #assumeOpenCl()} then stops each of them).
     */
    static Backend backendOrNull() {
        if (verdict(unavailableReason(), System.getenv("CI")) == Verdict.SKIP) return null;
        assumeOpenCl();
        return new OpenClBackendProvider().create(System.getProperty("jdiffusion.test.opencl", ""), 0);
    }
}
