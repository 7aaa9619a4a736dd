package jdiffusion.schedulers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;

/**
 * GITS (Chen et al. 2024, "On the Trajectory Regularity of ODE-based Diffusion Sampling", arXiv:2405.11326):
 * time schedules optimized for SD 1.5 per step count (2-20) and coefficient (0.80-1.50 in steps of 0.05),
 * log-linearly interpolated from the 20-step row beyond 20 steps, ending in 0 (ComfyUI's {@code GITSScheduler}).
 * Options {@code coeff} (default 1.20) and {@code denoise}.
 */
public final class GitsSchedule extends KSchedule {

    private static final Map<Integer, double[][]> LEVELS = load();

    public GitsSchedule() {
        super("gits", List.of(), "GITS optimized time schedules for SD1.5 (coeff 0.80-1.50, denoise)", "coeff", "denoise");
    }

    @Override
    float[] compute(ModelSampling ms, int steps, Config o) {
        double coeff = o.getDouble("coeff", 1.20);
        int key = (int) Math.round(coeff * 100);
        double[][] rows = LEVELS.get(key);
        if (rows == null || Math.abs(coeff * 100 - key) > 1e-6) {
            throw o.invalid("coeff", o.raw("coeff"), "one of 0.80, 0.85, ..., 1.50");
        }
        double[] sigmas;
        if (steps <= 20) {
            // steps = 1 indexes the last (20-step) row, as Python's [-1] in the reference node.
            sigmas = (steps >= 2 ? rows[steps - 2] : rows[rows.length - 1]).clone();
        } else {
            sigmas = LogLinear.interpolate(rows[rows.length - 1], steps + 1);
        }
        return TableSchedules.finish(sigmas, steps, o.getDouble("denoise", 1.0));
    }

    private static Map<Integer, double[][]> load() {
        Map<Integer, java.util.List<double[]>> byCoeff = new HashMap<>();
        try (InputStream in = GitsSchedule.class.getResourceAsStream("gits_noise_levels.tsv")) {
            if (in == null) throw new IllegalStateException("gits_noise_levels.tsv missing from the schedulers module");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] cols = line.split("\t");
                int key = (int) Math.round(Double.parseDouble(cols[0]) * 100);
                String[] vals = cols[2].trim().split(" ");
                double[] row = new double[vals.length];
                for (int i = 0; i < row.length; i++) row[i] = Double.parseDouble(vals[i]);
                byCoeff.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Integer, double[][]> out = new HashMap<>();
        byCoeff.forEach((k, v) -> out.put(k, v.toArray(new double[0][])));
        return Map.copyOf(out);
    }
}
