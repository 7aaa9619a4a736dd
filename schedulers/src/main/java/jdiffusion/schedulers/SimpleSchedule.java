package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;

/**
 * Every (N / n)-th entry of the model's sigma table from the top, then 0 (ComfyUI's {@code simple_scheduler}).
 */
public final class SimpleSchedule extends KSchedule {

    public SimpleSchedule() {
        super("simple", List.of(), "every (N/n)-th training sigma from the top");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        float[] table = require(ms, name()).sigmaTable();
        if (table.length == 0) throw new IllegalArgumentException("schedule simple needs a model sampling with a sigma table");
        double ss = (double) table.length / n;
        float[] s = new float[n + 1];
        for (int x = 0; x < n; x++) s[x] = table[table.length - 1 - (int) (x * ss)];
        return s;
    }
}
