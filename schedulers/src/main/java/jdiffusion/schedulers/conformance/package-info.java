/**
 * The conformance suite proving the diffusers-compatible schedulers against diffusers' own numbers: reference
 * sets of sampling cases (schedule and a toy-model trajectory with replayed noise), forward-process cases and
 * training tables, found at any depth beneath a folder. {@code jdiffusion conformance} and the JUnit tests
 * run the same cases with the same code.
 *
 * <p>A case passes when integer timesteps are equal and every other number is within
 * max(1e-6, 10 x the reference's own float32-vs-float64 spread) relative to max(1, |reference|); cases where
 * diffusers yields non-finite values pass when jdiffusion does too, and cases where diffusers raises pass
 * when jdiffusion rejects the configuration clearly (or, where diffusers' error is an accident of its code,
 * gives a finite result, reported separately).
 */
package jdiffusion.schedulers.conformance;
