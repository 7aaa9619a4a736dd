package jdiffusion.backends.opencl;

import java.util.Set;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.backend.Capability;

/** The OpenCL backend's provider. The kernels are not implemented yet, so it reports itself unavailable. */
public final class OpenClBackendProvider implements BackendProvider {

    private static final String NOT_IMPLEMENTED = "the OpenCL backend is not implemented yet; use --backend cpu";

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String description() {
        return "OpenCL devices through FFM (not implemented yet)";
    }

    @Override
    public boolean isAvailable() {
        return false;
    }

    @Override
    public String unavailableReason() {
        return NOT_IMPLEMENTED;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public Backend create(String options, int threads) {
        throw new UnsupportedOperationException(NOT_IMPLEMENTED);
    }
}
