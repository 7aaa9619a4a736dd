/**
 * The diffusers-compatible scheduler classes, one {@link jdiffusion.core.scheduler.SchedulerFactory} per
 * diffusers {@code _class_name}, built from a {@code scheduler_config.json} map with every option honoured.
 *
 * <p>Each class reproduces diffusers' numbers bit for bit where the reference allows it: schedules are
 * computed with numpy's and PyTorch's roundings (float32 sigma tables interpolated in float64, numpy's
 * float32 {@code log}, PyTorch's {@code linspace} and SLEEF elementary functions), and each step evaluates
 * diffusers' expression in its order with the step mathematics of {@code jdiffusion.samplers.step}.
 *
 * <p>Unlike diffusers, a configured scheduler holds no per-run state: {@code start} returns a
 * {@link jdiffusion.core.scheduler.SchedulerRun} with the schedule and the step index, history and samples
 * a run carries, so one scheduler serves many threads. Where diffusers mutates its config in
 * {@code set_timesteps} (DPMSolverSinglestep's {@code lower_order_final}, the solvers' {@code flow_shift}
 * from {@code mu}), the run uses the value diffusers would use for that call and the scheduler stays as
 * configured.
 *
 * <p>Tensors are flat float32 arrays. Dynamic thresholding takes quantiles over the whole array (one batch
 * element), and a learned variance is read from a model output twice the sample's length.
 */
package jdiffusion.schedulers.diffusers;
