/** TornadoVM backend: tensor kernels compiled by TornadoVM to OpenCL or PTX. */
module jdiffusion.backends.tornadovm {
    requires transitive jdiffusion.core;
    requires tornado.api;

    // TornadoVM reads the kernels' bytecode to compile them.
    opens jdiffusion.backends.tornadovm.kernels;

    provides jdiffusion.core.backend.BackendProvider with jdiffusion.backends.tornadovm.TornadoVmBackendProvider;
}
