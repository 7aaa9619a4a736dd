package jdiffusion.core.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jdiffusion.core.Named;

/**
 * The plugins of one kind (samplers, schedules, backends, ...) by name: case-insensitive lookup of names
 * and aliases, listing with origins, and an unknown name answered with the names that exist.
 * Immutable and thread-safe.
 *
 * <p>When two plugins claim the same name the first one (built-ins come first) keeps it and the other is
 * reported as a {@link PluginProblem}.
 */
public final class Registry<T extends Named> {

    private final String kind;
    private final List<Provided<T>> entries;
    private final Map<String, Provided<T>> byName;
    private final List<PluginProblem> problems;

    private Registry(String kind, List<Provided<T>> entries, Map<String, Provided<T>> byName, List<PluginProblem> problems) {
        this.kind = kind;
        this.entries = entries;
        this.byName = byName;
        this.problems = problems;
    }

    /** A registry of {@code providers}, in order; {@code kind} names them in messages ("sampler"). */
    public static <T extends Named> Registry<T> of(String kind, Collection<Provided<T>> providers) {
        List<Provided<T>> entries = new ArrayList<>();
        Map<String, Provided<T>> byName = new LinkedHashMap<>();
        List<PluginProblem> problems = new ArrayList<>();
        for (Provided<T> p : providers) {
            String name;
            List<String> aliases;
            try {
                name = p.plugin().name();
                aliases = p.plugin().aliases();
            } catch (RuntimeException e) {
                problems.add(new PluginProblem(p.origin(), PluginProblem.Kind.BROKEN_PROVIDER, kind + " " + p.plugin().getClass().getName() + " failed to report its name: " + e));
                continue;
            }
            String key = key(name);
            Provided<T> existing = byName.get(key);
            if (existing != null) {
                problems.add(new PluginProblem(p.origin(), PluginProblem.Kind.DUPLICATE_NAME, "duplicate " + kind + " name \"" + name + "\": provided by "
                        + describe(existing) + " and " + describe(p) + "; keeping the first"));
                continue;
            }
            entries.add(p);
            byName.put(key, p);
            for (String alias : aliases) {
                String ak = key(alias);
                Provided<T> other = byName.get(ak);
                if (other == null) {
                    byName.put(ak, p);
                } else if (other != p) {
                    problems.add(new PluginProblem(p.origin(), PluginProblem.Kind.DUPLICATE_NAME, kind + " alias \"" + alias + "\" of \"" + name
                            + "\" is already the name or alias of " + describe(other) + "; ignored"));
                }
            }
        }
        return new Registry<>(kind, Collections.unmodifiableList(entries), Collections.unmodifiableMap(byName),
                Collections.unmodifiableList(problems));
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String describe(Provided<?> p) {
        return p.plugin().getClass().getName() + " (" + p.origin() + ")";
    }

    /** What this registry holds, e.g. "sampler". */
    public String kind() {
        return kind;
    }

    /** The plugin answering to {@code name} (or an alias); otherwise {@link UnknownNameException} listing the names. */
    public T get(String name) {
        return find(name).orElseThrow(() -> new UnknownNameException(kind, name, names()));
    }

    public Optional<T> find(String name) {
        Provided<T> p = name == null ? null : byName.get(key(name));
        return p == null ? Optional.empty() : Optional.of(p.plugin());
    }

    /** Where the plugin answering to {@code name} came from. */
    public Optional<String> origin(String name) {
        Provided<T> p = name == null ? null : byName.get(key(name));
        return p == null ? Optional.empty() : Optional.of(p.origin());
    }

    /** The primary names, in discovery order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Provided<T> p : entries) names.add(p.plugin().name());
        return names;
    }

    /** Every plugin with its origin, in discovery order. */
    public List<Provided<T>> entries() {
        return entries;
    }

    public List<T> plugins() {
        List<T> list = new ArrayList<>();
        for (Provided<T> p : entries) list.add(p.plugin());
        return list;
    }

    /** Name clashes found while building the registry. */
    public List<PluginProblem> problems() {
        return problems;
    }
}
