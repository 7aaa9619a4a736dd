/** The jdiffusion command. */
module jdiffusion.cli {
    requires jdiffusion.core;
    requires info.picocli;
    requires java.desktop;    // javax.imageio reads initial images and masks
    requires java.management; // peak memory in the generate summary

    // Built-in plugins: resolved through service binding, required here so the launcher's module path is complete.
    requires jdiffusion.samplers;
    requires jdiffusion.schedulers;
    requires jdiffusion.backends.cpu;
    requires jdiffusion.backends.opencl;
    requires jdiffusion.models;
    requires jdiffusion.adapters.lora;
    requires jdiffusion.adapters.controlnet;

    exports jdiffusion.cli;

    opens jdiffusion.cli to info.picocli;
}
