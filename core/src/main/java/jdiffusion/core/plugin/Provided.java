package jdiffusion.core.plugin;

import jdiffusion.core.Named;

/**
 * A plugin instance with where it came from: a module name for built-ins, a jar file name for plugin jars
 * (the origin {@code jdiffusion plugins} lists).
 */
public record Provided<T extends Named>(T plugin, String origin) {
}
