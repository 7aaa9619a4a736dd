package jdiffusion.core;

/** A configuration value that jdiffusion cannot honour; the message names the source, key, value and what was expected. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
