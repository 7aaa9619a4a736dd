package jdiffusion.core;

import java.util.List;

/**
 * A plugin found by a short, stable, lower-case name ({@code euler_a}, {@code karras}, {@code cpu}).
 *
 * <p>Names are saved in PNG metadata and recipes, so once released they never change; {@link #aliases()}
 * carries the spellings other tools use for the same thing (ComfyUI's {@code euler_ancestral} for
 * {@code euler_a}). Implementations are cheap to construct: {@link java.util.ServiceLoader} creates them
 * eagerly, and any heavy work belongs in a later call.
 */
public interface Named {

    /** The stable, lower-case name users type and files record. */
    String name();

    /** Other names accepted for this plugin; empty by default. */
    default List<String> aliases() {
        return List.of();
    }

    /** One line saying what this is, for listings. */
    default String description() {
        return "";
    }
}
