package jdiffusion.backends.cpu;

import jdiffusion.core.backend.Backend;
import jdiffusion.tck.BackendContractTest;

/** The CPU backend against the backend contract, with two worker threads so the parallel paths run. */
class CpuBackendContractTest extends BackendContractTest {

    @Override
    protected Backend createBackend() {
        return new CpuBackendProvider().create("", 2);
    }
}
