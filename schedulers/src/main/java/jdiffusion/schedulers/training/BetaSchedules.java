package jdiffusion.schedulers.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.ConfigException;
import jdiffusion.core.schedule.BetaSchedule;

/** The built-in {@link BetaSchedule}s by name, as diffusers' {@code beta_schedule} option names them. */
public final class BetaSchedules {

    private static final Map<String, BetaSchedule> BUILT_IN = new LinkedHashMap<>();

    static {
        for (BetaSchedule s : List.of(new LinearBetaSchedule(), new ScaledLinearBetaSchedule(), new SquaredCosCapV2BetaSchedule(),
                new SigmoidBetaSchedule(), new ExpBetaSchedule(), new LaplaceBetaSchedule())) {
            BUILT_IN.put(s.name(), s);
        }
    }

    private BetaSchedules() {
    }

    /** The schedule called {@code name}; an unknown name is answered with the names that exist. */
    public static BetaSchedule get(String name) {
        BetaSchedule s = BUILT_IN.get(name);
        if (s == null) {
            throw new ConfigException("unknown beta_schedule \"" + name + "\"; available: " + String.join(", ", BUILT_IN.keySet()));
        }
        return s;
    }

    /** Every built-in schedule, in a stable order. */
    public static List<BetaSchedule> all() {
        return List.copyOf(BUILT_IN.values());
    }
}
