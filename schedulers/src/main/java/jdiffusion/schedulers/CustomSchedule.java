package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;

/**
 * An explicit list of sigmas (option {@code sigmas}), used as given; its length must be steps + 1.
 */
public final class CustomSchedule extends KSchedule {

    public CustomSchedule() {
        super("custom", List.of(), "an explicit list of sigmas (option sigmas, steps + 1 values)", "sigmas");
    }

    @Override
    float[] compute(ModelSampling ms, int steps, Config o) {
        List<?> list = o.getList("sigmas");
        if (list == null) throw new IllegalArgumentException(o.source() + ": schedule custom needs the option sigmas (a list of numbers)");
        if (list.size() != steps + 1) {
            throw o.invalid("sigmas", list, (steps + 1) + " values for " + steps + " steps, got " + list.size());
        }
        float[] s = new float[list.size()];
        for (int i = 0; i < s.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Number num)) throw o.invalid("sigmas", list, "numbers only; entry " + i + " is " + v);
            s[i] = num.floatValue();
        }
        for (int i = 1; i < s.length; i++) {
            if (s[i] > s[i - 1]) throw o.invalid("sigmas", list, "non-increasing values (sigma[" + i + "] > sigma[" + (i - 1) + "])");
        }
        return s;
    }
}
