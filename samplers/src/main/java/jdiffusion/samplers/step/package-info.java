/**
 * The step mathematics of the reverse process, once: pure static functions on flat float32 arrays, shared by
 * the diffusers-compatible schedulers and the k-diffusion samplers.
 *
 * <p>Each function evaluates its update in one fixed order of float32 operations (a scalar times a tensor,
 * then the next term, left to right), the order diffusers' PyTorch code uses, so results can be compared
 * bit for bit with the reference. Scalar coefficients are float32 unless documented otherwise; functions
 * never modify their array arguments and return new arrays.
 */
package jdiffusion.samplers.step;
