package jdiffusion.core.plugin;

/**
 * Something wrong with one plugin (a corrupt jar, a provider that throws, a name claimed twice): reported
 * with the file or module it came from, and skipped, while every other plugin keeps working.
 */
public record PluginProblem(String origin, Kind kind, String message) {

    /** What went wrong. */
    public enum Kind {
        /** A jar that could not be read or resolved as a module. */
        UNREADABLE_JAR,
        /** A provider that could not be found or instantiated, or failed to describe itself. */
        BROKEN_PROVIDER,
        /** Two plugins claim the same name; the first keeps it. */
        DUPLICATE_NAME,
        /** A plugins folder that is not a folder or cannot be listed. */
        BAD_FOLDER
    }

    @Override
    public String toString() {
        return origin + ": " + message;
    }
}
