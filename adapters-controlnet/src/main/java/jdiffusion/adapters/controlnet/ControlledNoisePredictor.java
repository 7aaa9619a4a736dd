package jdiffusion.adapters.controlnet;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.model.NoisePredictor;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.Tensor;

/**
 * A UNet guided by one or more ControlNets: before each evaluation, every unit that is active at the
 * timestep computes its residuals from the same latent, timestep and text conditioning, the residuals of
 * all units are summed (diffusers' MultiControlNetModel) and the UNet adds them to its skip connections
 * and mid-block output. A control image with fewer rows than the latent batch (one image for a batch, or
 * the classifier-free-guidance doubling) is repeated to fit. Thread-safe.
 */
public final class ControlledNoisePredictor implements NoisePredictor {

    /** Timesteps the SD models were trained with; the start/end fractions are measured on them. */
    public static final int TRAIN_STEPS = 1000;

    private final NoisePredictor unet;
    private final Backend backend;
    private final List<ControlNetUnit> units;

    public ControlledNoisePredictor(NoisePredictor unet, Backend backend, List<ControlNetUnit> units) {
        this.unet = unet;
        this.backend = backend;
        this.units = List.copyOf(units);
    }

    public List<ControlNetUnit> units() {
        return units;
    }

    @Override
    public Tensor predict(Tensor sample, float[] timesteps, Conditioning conditioning) {
        List<Tensor> down = new ArrayList<>(conditioning.downBlockResiduals());
        Tensor mid = conditioning.midBlockResidual();
        for (ControlNetUnit u : units) {
            if (!u.activeAt(timesteps[0], TRAIN_STEPS)) continue;
            Tensor image = fitBatch(u.image(), sample.dim(0));
            ControlNetOutput r = u.model().forward(sample, timesteps, conditioning, image, u.scale(), u.guessMode());
            if (down.isEmpty()) {
                down.addAll(r.down());
            } else {
                if (down.size() != r.down().size()) {
                    throw new IllegalArgumentException("ControlNets give " + down.size() + " and " + r.down().size()
                            + " residuals; all must match the UNet's skip connections");
                }
                for (int i = 0; i < down.size(); i++) down.set(i, backend.add(down.get(i), r.down().get(i)));
            }
            mid = mid == null ? r.mid() : backend.add(mid, r.mid());
        }
        Conditioning c = new Conditioning(conditioning.encoderHiddenStates(), conditioning.textEmbeds(), conditioning.timeIds(), down, mid);
        return unet.predict(sample, timesteps, c);
    }

    /** The control image repeated along the batch to {@code rows} rows (image rows must divide it). */
    private Tensor fitBatch(Tensor image, int rows) {
        int n = image.dim(0);
        if (n == rows) return backend.fromHost(image);
        if (rows % n != 0) {
            throw new IllegalArgumentException("a control image batch of " + n + " does not fit a latent batch of " + rows);
        }
        Tensor[] parts = new Tensor[rows / n];
        Tensor dev = backend.fromHost(image);
        java.util.Arrays.fill(parts, dev);
        return backend.concat(0, parts);
    }

    @Override
    public int inChannels() {
        return unet.inChannels();
    }

    @Override
    public Parameterization parameterization() {
        return unet.parameterization();
    }
}
