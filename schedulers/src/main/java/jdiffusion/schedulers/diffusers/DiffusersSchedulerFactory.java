package jdiffusion.schedulers.diffusers;

import java.util.function.Function;
import jdiffusion.core.Config;
import jdiffusion.core.scheduler.Scheduler;
import jdiffusion.core.scheduler.SchedulerFactory;

/** The provider of one diffusers scheduler class, named by its {@code _class_name}. */
abstract class DiffusersSchedulerFactory implements SchedulerFactory {

    private final String name;
    private final String description;
    private final Function<Config, Scheduler> constructor;

    DiffusersSchedulerFactory(String name, String description, Function<Config, Scheduler> constructor) {
        this.name = name;
        this.description = description;
        this.constructor = constructor;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final Scheduler create(Config config) {
        return constructor.apply(config);
    }
}
