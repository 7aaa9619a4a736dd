package jdiffusion.backends.tornadovm;

import jdiffusion.core.backend.Backend;
import jdiffusion.tck.BackendContractTest;

/** The TornadoVM backend against the backend contract every backend meets (on the device TornadoVM picks: PoCL here). */
class TornadoVmBackendContractTest extends BackendContractTest {

    @Override
    protected Backend createBackend() {
        return new TornadoVmBackendProvider().create(System.getProperty("jdiffusion.test.tornadovm", ""), 0);
    }
}
