package jdiffusion.backends.tornadovm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.backend.Capability;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * The {@code tornadovm} backend: TornadoVM task graphs on any device TornadoVM drives (OpenCL, PTX).
 * {@code --backend tornadovm} takes TornadoVM's default device, {@code tornadovm:N} device N counted across
 * TornadoVM's backends, {@code tornadovm:NAME} the first device whose name or platform contains NAME.
 *
 * <p>The JVM must run with TornadoVM's flags ({@code @$TORNADOVM_HOME/tornado-argfile}). TornadoVM's silent
 * fallback to running kernels as plain Java is switched off ({@code tornado.recover.bailout=False}): a kernel
 * TornadoVM cannot compile is an error, never a slow success.
 */
public final class TornadoVmBackendProvider implements BackendProvider {

    static {
        // Read once, when TornadoVM's runtime starts: set it before any TornadoVM class initialises.
        if (System.getProperty("tornado.recover.bailout") == null) System.setProperty("tornado.recover.bailout", "False");
    }

    @Override
    public String name() {
        return "tornadovm";
    }

    @Override
    public String description() {
        return "TornadoVM task graphs (OpenCL/PTX) on TornadoVM's devices (tornadovm:N or tornadovm:NAME picks one)";
    }

    @Override
    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    @Override
    public String unavailableReason() {
        try {
            return devices(runtime()).isEmpty() ? "TornadoVM found no device" : "";
        } catch (RuntimeException | LinkageError e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TILED_ATTENTION);
    }

    @Override
    public Backend create(String options, int threads) {
        if (!"false".equalsIgnoreCase(System.getProperty("tornado.recover.bailout"))) {
            throw new IllegalStateException("tornado.recover.bailout is " + System.getProperty("tornado.recover.bailout")
                    + ": TornadoVM would silently run kernels it cannot compile on the JVM; start with -Dtornado.recover.bailout=False");
        }
        List<TornadoDevice> devices = devices(runtime());
        if (devices.isEmpty()) throw new IllegalStateException("TornadoVM found no device");
        String o = options == null ? "" : options.trim();
        TornadoDevice device;
        int index;
        if (o.isEmpty()) {
            device = runtime().getDefaultDevice();
            index = Math.max(0, indexOf(devices, device));
        } else if (o.chars().allMatch(Character::isDigit)) {
            index = Integer.parseInt(o);
            if (index >= devices.size()) {
                throw new IllegalArgumentException("there is no TornadoVM device " + index + "; the devices are:\n" + list(devices));
            }
            device = devices.get(index);
        } else {
            index = -1;
            for (int i = 0; i < devices.size() && index < 0; i++) {
                TornadoDevice d = devices.get(i);
                if ((d.getPlatformName() + " " + d.getDeviceName()).toLowerCase(Locale.ROOT).contains(o.toLowerCase(Locale.ROOT))) index = i;
            }
            if (index < 0) {
                throw new IllegalArgumentException("no TornadoVM device matches \"" + o + "\"; the devices are:\n" + list(devices));
            }
            device = devices.get(index);
        }
        return new TornadoVmBackend("tornadovm:" + index, device);
    }

    /** TornadoVM's runtime; a clear error when TornadoVM is not on the module path or the JVM lacks its flags. */
    private static TornadoRuntime runtime() {
        try {
            TornadoRuntime r = TornadoRuntimeProvider.getTornadoRuntime();
            if (r == null) throw new IllegalStateException("TornadoVM's runtime did not start");
            return r;
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("TornadoVM is not available: " + e
                    + "; run the JVM with TornadoVM's flags (java @$TORNADOVM_HOME/tornado-argfile ...) from a TornadoVM SDK built for JDK 25", e);
        }
    }

    private static List<TornadoDevice> devices(TornadoRuntime r) {
        List<TornadoDevice> out = new ArrayList<>();
        for (int b = 0; b < r.getNumBackends(); b++) {
            TornadoBackend backend = r.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) out.add(backend.getDevice(d));
        }
        return out;
    }

    private static int indexOf(List<TornadoDevice> devices, TornadoDevice device) {
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i).getDeviceName().equals(device.getDeviceName())
                    && devices.get(i).getPlatformName().equals(device.getPlatformName())) return i;
        }
        return -1;
    }

    private static String list(List<TornadoDevice> devices) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < devices.size(); i++) {
            TornadoDevice d = devices.get(i);
            sb.append("  tornadovm:").append(i).append("  ").append(d.getDeviceName()).append(" on ").append(d.getPlatformName()).append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
