package jdiffusion.adapters.controlnet;

/**
 * Turns a photo into the kind of control image a ControlNet was trained on (edges, scribbles, ...), in
 * Java. Images are 8-bit RGB, row-major, three bytes per pixel; the result has the input's size.
 * Implementations are immutable and thread-safe.
 */
public interface ControlPreprocessor {

    /** The name users type ({@code canny}, {@code scribble_xdog}). */
    String name();

    /** The control image for {@code rgb} ({@code width * height * 3} bytes). */
    byte[] apply(int width, int height, byte[] rgb);
}
