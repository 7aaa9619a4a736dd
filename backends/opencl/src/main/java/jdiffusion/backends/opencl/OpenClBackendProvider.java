package jdiffusion.backends.opencl;

import java.util.List;
import java.util.Set;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.backend.Capability;

/**
 * The {@code opencl} backend: any OpenCL 1.2 device (NVIDIA, AMD, Intel, PoCL on the CPU) through the
 * Foreign Function and Memory API. {@code --backend opencl} picks the first GPU (else the first device),
 * {@code opencl:N} device N, {@code opencl:NAME} the first device whose platform, name or vendor contains NAME.
 */
public final class OpenClBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String description() {
        return "OpenCL devices through FFM (opencl:N or opencl:NAME picks one)";
    }

    @Override
    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    @Override
    public String unavailableReason() {
        try {
            List<ClDevice> devices = ClDevice.all(OpenCl.get());
            if (devices.isEmpty()) {
                return "no OpenCL platform or device found by libOpenCL.so.1 (no ICD in /etc/OpenCL/vendors?);"
                        + " install a driver, e.g. apt-get install pocl-opencl-icd, or the GPU vendor's OpenCL driver";
            }
            return "";
        } catch (RuntimeException | LinkageError e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.FLOAT16_WEIGHTS, Capability.BFLOAT16_WEIGHTS, Capability.DEVICE_MEMORY,
                Capability.TILED_ATTENTION);
    }

    /** Creates a backend on the device {@code options} names; {@code threads} does not apply to devices. */
    @Override
    public Backend create(String options, int threads) {
        OpenCl cl = OpenCl.get();
        List<ClDevice> devices = ClDevice.all(cl);
        if (devices.isEmpty()) throw new IllegalStateException("OpenCL backend unavailable: " + unavailableReason());
        ClDevice device = ClDevice.select(devices, options);
        return new OpenClBackend("opencl:" + device.index(), ClRuntime.acquire(cl, device));
    }

    /** One line per OpenCL device, as {@code opencl:N} names them; empty when there is none. */
    public static List<String> devices() {
        return ClDevice.all(OpenCl.get()).stream().map(ClDevice::describe).toList();
    }
}
