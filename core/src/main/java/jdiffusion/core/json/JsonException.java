package jdiffusion.core.json;

/** Malformed JSON; the message names the source and the offset. */
public class JsonException extends IllegalArgumentException {
    public JsonException(String message) {
        super(message);
    }
}
