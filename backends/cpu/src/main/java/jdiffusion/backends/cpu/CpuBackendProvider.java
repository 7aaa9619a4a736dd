package jdiffusion.backends.cpu;

import java.util.EnumSet;
import java.util.Set;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.backend.Capability;

/**
 * The {@code cpu} backend: pure Java on the Vector API, available everywhere. The thread count comes from
 * {@link #create}'s argument, else the {@code jdiffusion.threads} system property, else one thread per
 * available processor.
 */
public final class CpuBackendProvider implements BackendProvider {

    /** System property naming the default number of worker threads. */
    public static final String THREADS_PROPERTY = "jdiffusion.threads";

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "pure-Java kernels on the Vector API, multi-threaded";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.copyOf(EnumSet.of(Capability.FLOAT16_WEIGHTS, Capability.BFLOAT16_WEIGHTS,
                Capability.MULTI_THREADED, Capability.TILED_ATTENTION));
    }

    @Override
    public Backend create(String options, int threads) {
        if (options != null && !options.isBlank()) {
            throw new IllegalArgumentException("the cpu backend takes no options, got \"" + options + "\"");
        }
        return new CpuBackend(threads > 0 ? threads : defaultThreads());
    }

    /** The {@value #THREADS_PROPERTY} property if set to a positive number, else the processor count. */
    static int defaultThreads() {
        String p = System.getProperty(THREADS_PROPERTY);
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n > 0) return n;
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("system property " + THREADS_PROPERTY + "=\"" + p
                    + "\" is not a positive thread count");
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
