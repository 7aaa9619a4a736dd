package jdiffusion.backends.opencl;

import java.util.concurrent.atomic.AtomicBoolean;
import jdiffusion.core.backend.Backend;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the OpenCL tests get their backend. Without an OpenCL platform they are skipped with one line
 * saying why; under {@code CI=true} a missing platform fails them instead, so CI cannot pass with the
 * OpenCL backend untested.
 */
final class OpenClTestSupport {

    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private OpenClTestSupport() {
    }

    /** What to do about a missing platform: null to run, else the message to skip or fail with. */
    enum Verdict { RUN, SKIP, FAIL }

    static Verdict verdict(String unavailableReason, String ciVariable) {
        if (unavailableReason.isEmpty()) return Verdict.RUN;
        return "true".equalsIgnoreCase(ciVariable == null ? "" : ciVariable.trim()) ? Verdict.FAIL : Verdict.SKIP;
    }

    /** Skips (or, under CI=true, fails) the calling test class when no OpenCL device is usable here. */
    static void requireOpenCl() {
        String reason = new OpenClBackendProvider().unavailableReason();
        switch (verdict(reason, System.getenv("CI"))) {
            case RUN -> { }
            case FAIL -> Assertions.fail("CI=true but the OpenCL backend cannot run: " + reason
                    + " (.ci/setup-opencl installs PoCL on Debian when run as root)");
            case SKIP -> {
                String line = "OpenCL tests skipped: " + reason;
                if (REPORTED.compareAndSet(false, true)) System.err.println(line);
                Assumptions.abort(line);
            }
        }
    }

    /** A backend on the device named by -Djdiffusion.test.opencl (default: the first GPU, else the first device). */
    static Backend backend() {
        requireOpenCl();
        return new OpenClBackendProvider().create(System.getProperty("jdiffusion.test.opencl", ""), 0);
    }
}
