package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.ConfigException;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.Scheduler;
import jdiffusion.core.scheduler.SchedulerRun;

/**
 * What every diffusers-compatible scheduler shares: its class name, its config, the options it read, and
 * the checks on {@code set_timesteps} and {@code step} keyword arguments. Subclasses read every option in
 * their constructor (so a bad config fails at once) and are immutable afterwards.
 */
abstract class DiffusersScheduler implements Scheduler {

    final String className;
    final Config config;
    final Options options;

    DiffusersScheduler(String className, Config config) {
        this.className = className;
        this.config = config;
        this.options = new Options(config, className);
    }

    @Override
    public String className() {
        return className;
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return null;
    }

    @Override
    public final SchedulerRun start(int numInferenceSteps, Config timestepOptions, Config stepOptions) {
        if (numInferenceSteps < 1) {
            throw new ConfigException(className + ": num_inference_steps = " + numInferenceSteps + " is not supported; expected at least 1");
        }
        checkKeys(timestepOptions, "set_timesteps", timestepKeys());
        checkKeys(stepOptions, "step", stepKeys());
        return newRun(numInferenceSteps, timestepOptions, stepOptions);
    }

    abstract SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions);

    /** The {@code set_timesteps} keyword arguments the class accepts besides the step count. */
    Set<String> timestepKeys() {
        return Set.of();
    }

    /** The {@code step} keyword arguments the class accepts. */
    Set<String> stepKeys() {
        return Set.of();
    }

    private void checkKeys(Config c, String call, Set<String> allowed) {
        for (String k : c.keys()) {
            if (!allowed.contains(k)) {
                throw new ConfigException(className + "." + call + "(): unexpected argument " + k
                        + (allowed.isEmpty() ? "; it takes none" : "; expected one of " + String.join(", ", allowed.stream().sorted().toList())));
            }
        }
    }

    @Override
    public String toString() {
        return className + config.asMap();
    }
}
