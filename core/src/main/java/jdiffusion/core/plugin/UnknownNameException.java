package jdiffusion.core.plugin;

import java.util.List;

/** A name no plugin answers to; the message lists the names that exist and how to add the missing one. */
public class UnknownNameException extends IllegalArgumentException {

    private final String kind;
    private final String requested;
    private final List<String> available;

    public UnknownNameException(String kind, String requested, List<String> available) {
        super("unknown " + kind + " \"" + requested + "\"; available: "
                + (available.isEmpty() ? "(none)" : String.join(", ", available))
                + ". A " + kind + " from a plugin jar is found when the jar is in the plugins folder (--plugins DIR, or "
                + Plugins.defaultPluginDirectory() + ")");
        this.kind = kind;
        this.requested = requested;
        this.available = List.copyOf(available);
    }

    public String kind() {
        return kind;
    }

    public String requested() {
        return requested;
    }

    public List<String> available() {
        return available;
    }
}
