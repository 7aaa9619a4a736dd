/** Guice wiring of jdiffusion's discovered plugins; the core never needs it. */
module jdiffusion.guice {
    requires transitive jdiffusion.core;
    requires transitive com.google.guice;

    exports jdiffusion.guice;

    opens jdiffusion.guice to com.google.guice;
}
