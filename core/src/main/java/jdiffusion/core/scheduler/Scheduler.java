package jdiffusion.core.scheduler;

import jdiffusion.core.Config;
import jdiffusion.core.schedule.NoiseSchedule;

/**
 * A configured diffusers-compatible scheduler. Unlike diffusers it holds no per-run state: it is immutable
 * and thread-safe, and each sampling run gets its own {@link SchedulerRun}.
 */
public interface Scheduler {

    /** The configuration it was built from, with defaults filled in. */
    Config config();

    /** The training noise schedule, or null for schedulers without one (EDM, flow matching). */
    NoiseSchedule trainingSchedule();

    /**
     * Starts a run: diffusers' {@code set_timesteps(numInferenceSteps, **kwargs)} ({@code mu},
     * {@code strength}, ...), returning the object that steps it.
     */
    SchedulerRun start(int numInferenceSteps, Config setTimestepsKwargs);
}
