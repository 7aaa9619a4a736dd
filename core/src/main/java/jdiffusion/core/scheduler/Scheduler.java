package jdiffusion.core.scheduler;

import jdiffusion.core.Config;
import jdiffusion.core.schedule.NoiseSchedule;

/**
 * A configured diffusers-compatible scheduler. Unlike diffusers it holds no per-run state: it is immutable
 * and thread-safe, and each sampling run gets its own {@link SchedulerRun} from {@link #start}.
 */
public interface Scheduler {

    /** The diffusers class it reproduces ({@code EulerDiscreteScheduler}, ...). */
    String className();

    /** The configuration it was built from, as given (defaults are applied when read). */
    Config config();

    /** The training noise schedule, or null for schedulers without one (EDM, flow matching, IPNDM). */
    NoiseSchedule trainingSchedule();

    /** diffusers' class attribute {@code order}: model evaluations per step of the method (2 for Heun, KDPM2). */
    default int order() {
        return 1;
    }

    /**
     * Starts a run: diffusers' {@code set_timesteps(numInferenceSteps, **timestepOptions)} (options such as
     * {@code mu} or {@code strength}), with {@code stepOptions} passed to every {@code step} call
     * ({@code eta}, {@code s_churn}, ...). Unknown or invalid options are rejected with a
     * {@link jdiffusion.core.ConfigException} naming them.
     */
    SchedulerRun start(int numInferenceSteps, Config timestepOptions, Config stepOptions);

    /** {@link #start(int, Config, Config)} with no options. */
    default SchedulerRun start(int numInferenceSteps) {
        return start(numInferenceSteps, Config.empty("set_timesteps"), Config.empty("step"));
    }
}
