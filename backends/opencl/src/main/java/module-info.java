/** OpenCL backend through the Foreign Function and Memory API (libOpenCL.so.1), no JNI. */
module jdiffusion.backends.opencl {
    requires transitive jdiffusion.core;

    exports jdiffusion.backends.opencl;

    provides jdiffusion.core.backend.BackendProvider with jdiffusion.backends.opencl.OpenClBackendProvider;
}
