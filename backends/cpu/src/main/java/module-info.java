/** Pure-Java CPU backend: tensor kernels on the Vector API, multi-threaded. */
module jdiffusion.backends.cpu {
    requires transitive jdiffusion.core;
    requires jdk.incubator.vector;
}
