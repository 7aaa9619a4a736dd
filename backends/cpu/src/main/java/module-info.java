/** Pure-Java CPU backend: tensor kernels on the Vector API, multi-threaded. */
module jdiffusion.backends.cpu {
    requires transitive jdiffusion.core;
    requires jdk.incubator.vector;

    exports jdiffusion.backends.cpu;

    provides jdiffusion.core.backend.BackendProvider with jdiffusion.backends.cpu.CpuBackendProvider;
}
