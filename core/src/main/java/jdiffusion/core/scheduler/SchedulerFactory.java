package jdiffusion.core.scheduler;

import jdiffusion.core.Config;
import jdiffusion.core.Named;

/**
 * A diffusers scheduler class, found by its {@code _class_name} ({@code EulerDiscreteScheduler}, ...) as a
 * model folder's {@code scheduler/scheduler_config.json} names it. {@link #name()} returns that class
 * name; lookups are case-insensitive.
 */
public interface SchedulerFactory extends Named {

    /**
     * A configured scheduler from a {@code scheduler_config.json} map. Every option is honoured; absent
     * options take diffusers' defaults; an option value diffusers rejects is rejected with a
     * {@link jdiffusion.core.ConfigException} naming it.
     */
    Scheduler create(Config config);
}
