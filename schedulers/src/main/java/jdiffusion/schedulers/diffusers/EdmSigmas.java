package jdiffusion.schedulers.diffusers;

import jdiffusion.samplers.step.Float32Math;
import jdiffusion.schedulers.training.TorchLinspace;

/**
 * The EDM noise levels of Karras et al. (2022), eq. 5, or log-uniform ("exponential"), from sigma_max down
 * to sigma_min, computed as the EDM classes compute them in torch: EDMEuler's karras ramp in float64,
 * EDMDPMSolver's in float32.
 */
final class EdmSigmas {

    private EdmSigmas() {
    }

    /** Karras sigmas with a float64 ramp, rounded to float32 at the end. */
    static float[] karras64(double sigmaMin, double sigmaMax, double rho, int n) {
        double[] ramp = TorchLinspace.float64(0, 1, n);
        double minInv = Math.pow(sigmaMin, 1 / rho);
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
        return out;
    }

    /** Karras sigmas with a float32 ramp and float32 arithmetic. */
    static float[] karras32(double sigmaMin, double sigmaMax, double rho, int n) {
        float[] ramp = TorchLinspace.float32(0, 1, n);
        double minInv = Math.pow(sigmaMin, 1 / rho);
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        float diff = (float) (minInv - maxInv);
        float[] base = new float[n];
        for (int i = 0; i < n; i++) base[i] = (float) maxInv + ramp[i] * diff;
        return Float32Math.powTensor(base, rho);
    }

    /** exp(linspace(log sigma_min, log sigma_max, n)) in float32, descending. */
    static float[] exponential(double sigmaMin, double sigmaMax, int n) {
        float[] l = TorchLinspace.float32(Math.log(sigmaMin), Math.log(sigmaMax), n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = Float32Math.exp(l[n - 1 - i]);
        return out;
    }
}
