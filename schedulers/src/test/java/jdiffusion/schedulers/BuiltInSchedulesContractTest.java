package jdiffusion.schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.tck.SigmaScheduleContractTest;
import jdiffusion.tck.ToyFlowModelSampling;
import jdiffusion.tck.ToyModelSampling;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Every built-in sigma schedule passes the TCK's schedule contract. */
class BuiltInSchedulesContractTest {

    /** Schedules that drop repeated timesteps or keep a table's length. */
    private static final Set<String> VARIABLE_LENGTH = Set.of("beta", "ddim_uniform", "laplace");

    private static final Set<String> FLOW = Set.of("flow_shift", "linear_quadratic");

    @TestFactory
    Stream<DynamicNode> everyBuiltInScheduleMeetsTheContract() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (SigmaSchedule s : BuiltInSchedules.all()) {
            SigmaScheduleContractTest contract = new SigmaScheduleContractTest() {
                @Override
                protected SigmaSchedule schedule() {
                    return s;
                }

                @Override
                protected Map<String, Object> options() {
                    if (!s.name().equals("custom")) return Map.of();
                    List<Double> sigmas = new ArrayList<>();
                    for (int i = 0; i < 40; i++) sigmas.add(Math.exp(Math.log(14.6) + i / 39.0 * (Math.log(0.03) - Math.log(14.6))));
                    sigmas.add(0.0);
                    return Map.of("sigmas", sigmas);
                }

                @Override
                protected ModelSampling modelSampling() {
                    // Both are rectified-flow schedules (SD3, Mochi).
                    return FLOW.contains(s.name()) ? ToyFlowModelSampling.SD3 : ToyModelSampling.STABLE_DIFFUSION;
                }

                @Override
                protected int[] stepCounts() {
                    if (s.name().equals("custom")) return new int[] {40};
                    if (s.name().equals("kl_optimal")) return new int[] {2, 3, 4, 7, 10, 25, 50};
                    return super.stepCounts();
                }

                @Override
                protected boolean exactLength() {
                    return !VARIABLE_LENGTH.contains(s.name());
                }

                @Override
                protected boolean endsAtZero() {
                    return !s.name().equals("laplace");
                }

                @Override
                protected boolean boundedByModel() {
                    // The continuous VP schedule starts near sigma 152, above Stable Diffusion's range.
                    return !s.name().equals("vp");
                }
            };
            nodes.add(DynamicContainer.dynamicContainer(s.name(), contract.contractTests()));
        }
        return nodes.stream();
    }
}
