/** TornadoVM backend: tensor kernels compiled by TornadoVM to OpenCL or PTX. */
module jdiffusion.backends.tornadovm {
    requires transitive jdiffusion.core;
}
