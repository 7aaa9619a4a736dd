package jdiffusion.cli.demo;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.schedule.ModelSampling;

/**
 * A small set of procedurally drawn RGB images (32 x 32, values in [-1, 1], channel-last) and the optimal
 * denoiser of the data distribution made of them: each image y_k with pixel noise of standard deviation tau
 * (a Gaussian mixture; tau = 0 is the set itself). The posterior mean (Karras et al. 2022, eq. 57, for a mixture)
 * is D(x; sigma) = sum_k w_k (y_k + tau^2 / (tau^2 + sigma^2) (x - y_k)) with
 * w = softmax(-|x - y_k|^2 / (2 (tau^2 + sigma^2))). Samplers driven by it generate the set's images, as a
 * perfectly trained model of this data would; with tau &gt; 0 the probability-flow ODE is smooth down to
 * sigma = 0, so solver errors show. Immutable.
 */
final class ImageSet implements Denoiser {

    static final int SIZE = 32;
    static final int DIM = SIZE * SIZE * 3;

    private final List<float[]> images;
    private final List<String> names;
    private final ModelSampling modelSampling;
    private final double tau2;

    private ImageSet(List<float[]> images, List<String> names, ModelSampling modelSampling, double tau) {
        this.images = images;
        this.names = names;
        this.modelSampling = modelSampling;
        this.tau2 = tau * tau;
    }

    int size() {
        return images.size();
    }

    float[] image(int k) {
        return images.get(k).clone();
    }

    String name(int k) {
        return names.get(k);
    }

    @Override
    public float[] denoise(float[] x, float sigma) {
        int k = images.size();
        double[] logw = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        double s2 = 2.0 * (tau2 + (double) sigma * sigma);
        float keep = (float) (tau2 / (tau2 + (double) sigma * sigma));
        for (int j = 0; j < k; j++) {
            float[] y = images.get(j);
            double d = 0;
            for (int i = 0; i < x.length; i++) {
                double t = x[i] - y[i];
                d += t * t;
            }
            logw[j] = -d / s2;
            max = Math.max(max, logw[j]);
        }
        double total = 0;
        for (int j = 0; j < k; j++) {
            logw[j] = Math.exp(logw[j] - max);
            total += logw[j];
        }
        float[] out = new float[x.length];
        for (int j = 0; j < k; j++) {
            float w = (float) (logw[j] / total);
            if (w == 0) continue;
            float[] y = images.get(j);
            for (int i = 0; i < out.length; i++) out[i] += w * (y[i] + keep * (x[i] - y[i]));
        }
        return out;
    }

    /** Without a conditioning signal the guided and unconditional estimates coincide. */
    @Override
    public Guided denoiseGuided(float[] x, float sigma) {
        float[] d = denoise(x, sigma);
        return new Guided(d, d.clone());
    }

    @Override
    public ModelSampling modelSampling() {
        return modelSampling;
    }

    /** The index of the image closest to {@code x} and the root-mean-square distance to it. */
    double[] nearest(float[] x) {
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int j = 0; j < images.size(); j++) {
            float[] y = images.get(j);
            double d = 0;
            for (int i = 0; i < x.length; i++) d += (x[i] - y[i]) * (double) (x[i] - y[i]);
            if (d < bestD) {
                bestD = d;
                best = j;
            }
        }
        return new double[] {best, Math.sqrt(bestD / x.length)};
    }

    /** Eight drawn images (shapes, stripes, a checkerboard, a gradient) with pixel noise {@code tau}. */
    static ImageSet procedural(ModelSampling modelSampling, double tau) {
        List<float[]> images = new ArrayList<>();
        List<String> names = new ArrayList<>();
        add(images, names, "disc", (x, y) -> inCircle(x, y, 16, 16, 10) ? rgb(0.95, 0.25, 0.2) : rgb(0.1, 0.15, 0.45));
        add(images, names, "square", (x, y) -> x >= 8 && x < 24 && y >= 8 && y < 24 ? rgb(0.98, 0.85, 0.2) : rgb(0.1, 0.5, 0.5));
        add(images, names, "triangle", (x, y) -> y >= 6 && y < 26 && Math.abs(x - 15.5) <= (y - 6) * 0.55 ? rgb(0.97, 0.97, 0.97) : rgb(0.4, 0.15, 0.5));
        add(images, names, "stripes", (x, y) -> (y / 4) % 2 == 0 ? rgb(0.95, 0.55, 0.1) : rgb(0.08, 0.08, 0.08));
        add(images, names, "checker", (x, y) -> ((x / 8) + (y / 8)) % 2 == 0 ? rgb(0.2, 0.7, 0.25) : rgb(0.95, 0.95, 0.9));
        add(images, names, "sunset", (x, y) -> {
            double t = y / 31.0;
            return inCircle(x, y, 16, 22, 7) ? rgb(1.0, 0.9, 0.4) : rgb(0.9 - 0.5 * t, 0.3 + 0.2 * t, 0.3 + 0.5 * t);
        });
        add(images, names, "ring", (x, y) -> inCircle(x, y, 16, 16, 11) && !inCircle(x, y, 16, 16, 6) ? rgb(0.85, 0.2, 0.7) : rgb(0.95, 0.95, 0.95));
        add(images, names, "cross", (x, y) -> Math.abs(x - y) <= 2 || Math.abs(x + y - 31) <= 2 ? rgb(0.15, 0.3, 0.9) : rgb(0.98, 0.9, 0.35));
        return new ImageSet(images, names, modelSampling, tau);
    }

    private interface Painter {
        double[] color(int x, int y);
    }

    private static void add(List<float[]> images, List<String> names, String name, Painter p) {
        float[] img = new float[DIM];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double[] c = p.color(x, y);
                for (int ch = 0; ch < 3; ch++) img[(y * SIZE + x) * 3 + ch] = (float) (2 * c[ch] - 1);
            }
        }
        images.add(img);
        names.add(name);
    }

    private static boolean inCircle(int x, int y, double cx, double cy, double r) {
        double dx = x + 0.5 - cx;
        double dy = y + 0.5 - cy;
        return dx * dx + dy * dy <= r * r;
    }

    private static double[] rgb(double r, double g, double b) {
        return new double[] {r, g, b};
    }
}
