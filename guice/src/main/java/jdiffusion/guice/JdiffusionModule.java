package jdiffusion.guice;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import jdiffusion.core.Named;
import jdiffusion.core.plugin.PluginProblem;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.plugin.Provided;
import jdiffusion.core.plugin.Registry;

/**
 * Binds every discovered plugin into a Guice {@link MapBinder} keyed by its name, one map per service
 * interface ({@code Map<String, Sampler>}, {@code Map<String, SigmaSchedule>}, ...), and binds the
 * {@link Plugins} itself. Wiring happens here, at the edge: plugins never ship Guice modules, and the
 * core works without an injector.
 *
 * <p>Two plugins claiming one name fail injector creation with an error naming both providers.
 */
public final class JdiffusionModule extends AbstractModule {

    private final Plugins plugins;
    private final Map<Class<? extends Named>, List<Provided<? extends Named>>> extra;

    private JdiffusionModule(Plugins plugins, Map<Class<? extends Named>, List<Provided<? extends Named>>> extra) {
        this.plugins = Objects.requireNonNull(plugins);
        this.extra = extra;
    }

    /** A module for everything {@code plugins} found. */
    public static JdiffusionModule of(Plugins plugins) {
        return new JdiffusionModule(plugins, Map.of());
    }

    /** Also binds {@code additional} providers of {@code type} (for applications that construct their own). */
    public static <T extends Named> JdiffusionModule withAdditional(Plugins plugins, Class<T> type, List<T> additional, String origin) {
        List<Provided<? extends Named>> list = new ArrayList<>();
        for (T t : additional) list.add(new Provided<>(t, origin));
        return new JdiffusionModule(plugins, Map.of(type, list));
    }

    @Override
    protected void configure() {
        bind(Plugins.class).toInstance(plugins);
        for (PluginProblem p : plugins.problems()) {
            if (p.kind() == PluginProblem.Kind.DUPLICATE_NAME) addError("jdiffusion plugins: " + p);
        }
        for (Plugins.Spi<?> spi : Plugins.SPIS) {
            bindAll(spi);
        }
    }

    private <T extends Named> void bindAll(Plugins.Spi<T> spi) {
        Registry<T> registry = plugins.registry(spi.type());
        MapBinder<String, T> map = MapBinder.newMapBinder(binder(), TypeLiteral.get(String.class), TypeLiteral.get(spi.type()));
        Map<String, Provided<? extends Named>> seen = new HashMap<>();
        List<Provided<? extends Named>> all = new ArrayList<>(registry.entries());
        all.addAll(extra.getOrDefault(spi.type(), List.of()));
        for (Provided<? extends Named> p : all) {
            String key = p.plugin().name().toLowerCase(Locale.ROOT);
            Provided<? extends Named> other = seen.putIfAbsent(key, p);
            if (other != null) {
                addError("duplicate %s name \"%s\": provided by %s (%s) and %s (%s)", spi.kind(), key,
                        other.plugin().getClass().getName(), other.origin(), p.plugin().getClass().getName(), p.origin());
                continue;
            }
            map.addBinding(key).toInstance(spi.type().cast(p.plugin()));
        }
    }
}
