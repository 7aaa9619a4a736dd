package jdiffusion.backends.opencl;

import jdiffusion.core.backend.Backend;
import jdiffusion.tck.BackendContractTest;
import org.junit.jupiter.api.BeforeEach;

/** The OpenCL backend against the backend contract every backend meets (on PoCL in CI). */
class OpenClBackendContractTest extends BackendContractTest {

    @Override
    protected Backend createBackend() {
        return OpenClTestSupport.backendOrNull();
    }

    @BeforeEach
    void openClPlatformPresent() {
        OpenClTestSupport.assumeOpenCl();
    }
}
