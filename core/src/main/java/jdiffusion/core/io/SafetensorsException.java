package jdiffusion.core.io;

import java.io.IOException;

/**
 * A weights file that is not a well-formed safetensors file. The message names the file, the tensor key
 * where there is one, what was found and what was expected.
 */
public class SafetensorsException extends IOException {

    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
