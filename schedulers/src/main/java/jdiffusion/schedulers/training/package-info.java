/**
 * Training noise schedules (the forward process of Ho et al. 2020): the diffusers beta schedules as
 * {@link jdiffusion.core.schedule.BetaSchedule} providers ({@code linear}, {@code scaled_linear},
 * {@code squaredcos_cap_v2}, {@code sigmoid}, {@code exp}, {@code laplace}), the zero terminal SNR rescale of
 * Lin et al. (2024), and PyTorch's exact {@code linspace} rounding the tables are built with.
 */
package jdiffusion.schedulers.training;
