package jdiffusion.schedulers;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;

/**
 * DDIM's uniform timestep spacing (Song et al. 2021): every (N // n)-th training sigma counting up from
 * index 1, reversed, ending in 0 (ComfyUI's {@code ddim_scheduler}; the count can exceed n + 1 when N is not a
 * multiple of n).
 */
public final class DdimUniformSchedule extends KSchedule {

    public DdimUniformSchedule() {
        super("ddim_uniform", List.of(), "DDIM's uniform spacing: every (N // n)-th training sigma from index 1");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        float[] table = require(ms, name()).sigmaTable();
        if (table.length < 2) throw new IllegalArgumentException("schedule ddim_uniform needs a model sampling with a sigma table");
        List<Float> sigs = new ArrayList<>();
        int x = 1;
        int steps = n;
        if (Math.abs(table[x]) <= 0.00001) {
            steps += 1;
        } else {
            sigs.add(0f);
        }
        int ss = Math.max(table.length / steps, 1);
        while (x < table.length) {
            sigs.add(table[x]);
            x += ss;
        }
        float[] s = new float[sigs.size()];
        for (int i = 0; i < s.length; i++) s[i] = sigs.get(sigs.size() - 1 - i);
        return s;
    }
}
