package jdiffusion.core.plugin;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdiffusion.core.Named;
import jdiffusion.core.adapter.AdapterFormat;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.conformance.ConformanceSuite;
import jdiffusion.core.model.ModelLoader;
import jdiffusion.core.sampling.NoiseSourceFactory;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.schedule.BetaSchedule;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.core.scheduler.SchedulerFactory;

/**
 * Everything jdiffusion can find: the providers of the built-in modules (or of the class path, when
 * embedded without modules) and those of plugin jars in plugin folders, each jar loaded into its own
 * {@link ModuleLayer} (or class loader, when jdiffusion itself runs on the class path).
 *
 * <p>A jar that cannot be read or resolved, and a provider that throws, are reported as
 * {@link #problems()} with the file name and skipped; the rest keep working. There is no global
 * instance: an application creates one and passes it on.
 */
public final class Plugins {

    /** A service interface jdiffusion discovers, with the word messages use for its plugins. */
    public record Spi<T extends Named>(Class<T> type, String kind) {
    }

    /** The service interfaces, in listing order. */
    public static final List<Spi<?>> SPIS = List.of(
            new Spi<>(Sampler.class, "sampler"),
            new Spi<>(SigmaSchedule.class, "schedule"),
            new Spi<>(SchedulerFactory.class, "scheduler"),
            new Spi<>(BetaSchedule.class, "beta schedule"),
            new Spi<>(NoiseSourceFactory.class, "noise source"),
            new Spi<>(BackendProvider.class, "backend"),
            new Spi<>(ModelLoader.class, "model loader"),
            new Spi<>(AdapterFormat.class, "adapter format"),
            new Spi<>(ConformanceSuite.class, "conformance suite"));

    /** A plugin jar that loaded, and the module it defined (or "class path"). */
    public record PluginJar(Path file, String module) {
    }

    private final Map<Class<?>, Registry<?>> registries;
    private final List<PluginJar> jars;
    private final List<PluginProblem> problems;

    private Plugins(Map<Class<?>, Registry<?>> registries, List<PluginJar> jars, List<PluginProblem> problems) {
        this.registries = registries;
        this.jars = jars;
        this.problems = problems;
    }

    /** The user's default plugin folder, {@code ~/.jdiffusion/plugins}. */
    public static Path defaultPluginDirectory() {
        return Path.of(System.getProperty("user.home"), ".jdiffusion", "plugins");
    }

    /** Only what is built in (the module path or class path jdiffusion runs from). */
    public static Plugins builtIn() {
        return discover(List.of());
    }

    /**
     * Built-ins plus every {@code *.jar} directly inside each of {@code pluginDirectories} (folders that do
     * not exist are skipped silently; a path that is a file is reported).
     */
    public static Plugins discover(List<Path> pluginDirectories) {
        List<PluginProblem> problems = new ArrayList<>();
        List<Source> sources = new ArrayList<>();
        sources.add(new BuiltIn());
        List<PluginJar> jars = new ArrayList<>();
        for (Path dir : pluginDirectories) {
            for (Path jar : listJars(dir, problems)) {
                try {
                    JarSource s = JarSource.open(jar);
                    sources.add(s);
                    jars.add(new PluginJar(jar, s.moduleName()));
                } catch (Exception | ServiceConfigurationError | LinkageError e) {
                    problems.add(new PluginProblem(jar.getFileName().toString(), PluginProblem.Kind.UNREADABLE_JAR, "not loaded: " + describe(e)));
                }
            }
        }
        Map<Class<?>, Registry<?>> registries = new LinkedHashMap<>();
        for (Spi<?> spi : SPIS) {
            Registry<?> r = buildRegistry(spi, sources, problems);
            registries.put(spi.type(), r);
            problems.addAll(r.problems());
        }
        return new Plugins(Collections.unmodifiableMap(registries), List.copyOf(jars), List.copyOf(problems));
    }

    private static <T extends Named> Registry<T> buildRegistry(Spi<T> spi, List<Source> sources, List<PluginProblem> problems) {
        List<Provided<T>> all = new ArrayList<>();
        for (Source s : sources) {
            all.addAll(s.load(spi.type(), problems));
        }
        return Registry.of(spi.kind(), all);
    }

    private static List<Path> listJars(Path dir, List<PluginProblem> problems) {
        if (!Files.exists(dir)) return List.of();
        if (!Files.isDirectory(dir)) {
            problems.add(new PluginProblem(dir.toString(), PluginProblem.Kind.BAD_FOLDER, "plugins path is not a folder"));
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            problems.add(new PluginProblem(dir.toString(), PluginProblem.Kind.BAD_FOLDER, "cannot list plugins folder: " + e.getMessage()));
            return List.of();
        }
    }

    /** The registry of one service interface (one of {@link #SPIS}). */
    @SuppressWarnings("unchecked")
    public <T extends Named> Registry<T> registry(Class<T> type) {
        Registry<?> r = registries.get(type);
        if (r == null) throw new IllegalArgumentException(type.getName() + " is not a jdiffusion service interface");
        return (Registry<T>) r;
    }

    /** Shorthand for {@code registry(Sampler.class)}. */
    public Registry<Sampler> samplers() {
        return registry(Sampler.class);
    }

    public Registry<SigmaSchedule> schedules() {
        return registry(SigmaSchedule.class);
    }

    public Registry<SchedulerFactory> schedulers() {
        return registry(SchedulerFactory.class);
    }

    public Registry<BackendProvider> backends() {
        return registry(BackendProvider.class);
    }

    /** Every registry, in {@link #SPIS} order. */
    public List<Registry<?>> registries() {
        return List.copyOf(registries.values());
    }

    /** Plugin jars that loaded. */
    public List<PluginJar> jars() {
        return jars;
    }

    /** Jars and providers that were skipped, and name clashes, each with its origin. */
    public List<PluginProblem> problems() {
        return problems;
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) sb.append(": ").append(e.getMessage());
        Throwable c = e.getCause();
        if (c != null && c != e) {
            sb.append(" (caused by ").append(c.getClass().getSimpleName());
            if (c.getMessage() != null) sb.append(": ").append(c.getMessage());
            sb.append(')');
        }
        return sb.toString();
    }

    /** Somewhere providers come from. */
    private interface Source {
        <T extends Named> List<Provided<T>> load(Class<T> type, List<PluginProblem> problems);
    }

    /** The module path or class path jdiffusion itself was loaded from. */
    private static final class BuiltIn implements Source {
        @Override
        public <T extends Named> List<Provided<T>> load(Class<T> type, List<PluginProblem> problems) {
            return instantiate(ServiceLoader.load(type, Plugins.class.getClassLoader()), p -> true, null, problems);
        }
    }

    /** One plugin jar in its own module layer, or its own class loader when jdiffusion is on the class path. */
    private static final class JarSource implements Source {
        private final Path jar;
        private final ModuleLayer layer;     // module mode
        private final ClassLoader loader;    // class-path mode
        private final String moduleName;

        private JarSource(Path jar, ModuleLayer layer, ClassLoader loader, String moduleName) {
            this.jar = jar;
            this.layer = layer;
            this.loader = loader;
            this.moduleName = moduleName;
        }

        static JarSource open(Path jar) throws IOException {
            // Read the whole central directory first: a corrupt or truncated jar fails here, by name.
            try (JarFile jf = new JarFile(jar.toFile())) {
                jf.stream().count();
            }
            Module core = Plugins.class.getModule();
            if (core.isNamed() && core.getLayer() != null) {
                ModuleLayer parent = core.getLayer();
                ModuleFinder finder = ModuleFinder.of(jar);
                Set<String> names = finder.findAll().stream()
                        .map(ModuleReference::descriptor).map(d -> d.name()).collect(Collectors.toSet());
                Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), names);
                ModuleLayer layer = parent.defineModulesWithOneLoader(cf, Plugins.class.getClassLoader());
                return new JarSource(jar, layer, null, String.join(",", names));
            }
            URLClassLoader loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[]{jar.toUri().toURL()},
                    Plugins.class.getClassLoader());
            return new JarSource(jar, null, loader, "class path");
        }

        String moduleName() {
            return moduleName;
        }

        @Override
        public <T extends Named> List<Provided<T>> load(Class<T> type, List<PluginProblem> problems) {
            String origin = jar.getFileName().toString();
            try {
                if (layer != null) {
                    return instantiate(ServiceLoader.load(layer, type),
                            p -> p.type().getModule().getLayer() == layer, origin, problems);
                }
                return instantiate(ServiceLoader.load(type, loader),
                        p -> p.type().getClassLoader() == loader, origin, problems);
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add(new PluginProblem(origin, PluginProblem.Kind.BROKEN_PROVIDER, "cannot load " + type.getSimpleName() + " providers: " + describe(e)));
                return List.of();
            }
        }
    }

    private static <T extends Named> List<Provided<T>> instantiate(ServiceLoader<T> loader,
                                                                   java.util.function.Predicate<ServiceLoader.Provider<T>> mine,
                                                                   String fixedOrigin, List<PluginProblem> problems) {
        List<Provided<T>> out = new ArrayList<>();
        var it = loader.stream().iterator();
        while (true) {
            ServiceLoader.Provider<T> p;
            try {
                if (!it.hasNext()) break;
                p = it.next();
            } catch (ServiceConfigurationError e) {
                problems.add(new PluginProblem(fixedOrigin == null ? "built-in" : fixedOrigin, PluginProblem.Kind.BROKEN_PROVIDER, "bad provider entry: " + describe(e)));
                continue;
            }
            if (!mine.test(p)) continue;
            String origin = fixedOrigin != null ? fixedOrigin : originOf(p.type());
            try {
                out.add(new Provided<>(p.get(), origin));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(new PluginProblem(origin, PluginProblem.Kind.BROKEN_PROVIDER, "provider " + p.type().getName() + " failed: " + describe(e)));
            }
        }
        return out;
    }

    private static String originOf(Class<?> type) {
        Module m = type.getModule();
        if (m.isNamed()) return m.getName();
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        if (cs != null && cs.getLocation() != null) {
            String path = cs.getLocation().getPath();
            String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            return "class path " + trimmed.substring(trimmed.lastIndexOf('/') + 1);
        }
        return "class path";
    }
}
