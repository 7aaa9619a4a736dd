package jdiffusion.backends.opencl;

import jdiffusion.core.backend.Backend;
import jdiffusion.tck.BackendContractTest;
import org.junit.jupiter.api.BeforeEach;

/**
 * The backend contract with every matrix product and convolution forced through a register-blocked variant
 * (two 4-wide groups of rows per work-item, one of columns), where the device's own choice would be the
 * classic kernels: float16 and bfloat16 weights, odd sizes, every operation built on products.
 */
class OpenClBlockedKernelsContractTest extends BackendContractTest {

    @Override
    protected Backend createBackend() {
        OpenClBackend b = (OpenClBackend) OpenClTestSupport.backendOrNull();
        if (b != null) b.forcedVariant = GemmVariant.named("t128x64_k16_8x4");
        return b;
    }

    @BeforeEach
    void openClPlatformPresent() {
        OpenClTestSupport.assumeOpenCl();
    }
}
