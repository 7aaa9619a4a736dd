package jdiffusion.samplers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.core.plugin.Provided;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.tck.GaussianData;
import jdiffusion.tck.SamplerContractTest;
import org.junit.jupiter.api.Test;

/**
 * The order of convergence of every deterministic sampler (ancestral and SDE samplers with their noise switched
 * off) on the analytic Gaussian problem: the max error against the exact ODE solution for a doubling step
 * count, and the slope of log(error) over log(steps). Writes the table to target/convergence-orders.md.
 */
class ConvergenceOrderTest {

    /**
     * A measured configuration: sampler, options, problem kind, step counts, the slope a correct
     * implementation reaches (method order, or less where warm-up steps or fixed coefficients limit it) and why.
     */
    record Row(String sampler, Map<String, Object> options, boolean flow, int[] steps, double expected, String note) {
    }

    private static final int[] STD = {16, 32, 64, 128};

    static final List<Row> ROWS = List.of(
            new Row("euler", Map.of(), false, STD, 1, "Euler"),
            new Row("euler", Map.of(), true, STD, 1, "Euler on rectified flow"),
            new Row("euler_a", Map.of("eta", 0.0), false, STD, 1, "eta 0: Euler"),
            new Row("euler_a_rf", Map.of("eta", 0.0), true, STD, 1, "eta 0: Euler in flow form"),
            new Row("ddim", Map.of(), false, STD, 1, "DDIM eta 0 = Euler"),
            new Row("euler_cfg_pp", Map.of(), false, STD, 1, "no guidance: Euler"),
            new Row("euler_a_cfg_pp", Map.of("eta", 0.0), false, STD, 1, "eta 0, no guidance"),
            new Row("heun", Map.of(), false, STD, 2, "trapezoidal corrector"),
            new Row("heun", Map.of(), true, STD, 2, "on rectified flow"),
            new Row("heunpp2", Map.of(), false, STD, 1, "slope weights sigma_k / (k sigma_0) do not meet the order-2 conditions"),
            new Row("dpm_2", Map.of(), false, STD, 2, "midpoint in log sigma"),
            new Row("dpm_2_a", Map.of("eta", 0.0), false, STD, 2, "eta 0"),
            new Row("dpmpp_2s_a", Map.of("eta", 0.0), false, STD, 2, "eta 0: DPM-Solver++(2S)"),
            new Row("dpmpp_2s_a_rf", Map.of("eta", 0.0), true, STD, 2, "eta 0, flow form"),
            new Row("dpmpp_sde", Map.of("eta", 0.0), false, STD, 2, "eta 0: DPM-Solver++ 2nd order singlestep"),
            new Row("dpmpp_2m", Map.of(), false, STD, 2, "DPM-Solver++(2M)"),
            new Row("dpmpp_2m_cfg_pp", Map.of(), false, STD, 2, "no guidance"),
            new Row("dpmpp_2m_sde", Map.of("eta", 0.0), false, STD, 2, "eta 0, midpoint"),
            new Row("dpmpp_2m_sde", Map.of("eta", 0.0), true, STD, 2, "eta 0, on flow (logit half-logSNR)"),
            new Row("dpmpp_2m_sde_heun", Map.of("eta", 0.0), false, STD, 2, "eta 0, heun"),
            new Row("dpmpp_3m_sde", Map.of("eta", 0.0), false, STD, 2, "method order 3; the order-1 first step limits the global order to 2"),
            new Row("res_multistep", Map.of(), false, STD, 2, "RES 2nd-order multistep"),
            new Row("res_multistep_a", Map.of("eta", 0.0), false, STD, 2, "eta 0"),
            new Row("res_multistep_cfg_pp", Map.of(), false, STD, 2, "no guidance"),
            new Row("lms", Map.of(), false, STD, 3, "method order 4 with order 1-3 warm-up steps"),
            new Row("ipndm", Map.of(), false, new int[] {32, 64, 128, 256}, 2, "fixed-step coefficients on a geometric grid"),
            new Row("ipndm_v", Map.of(), false, new int[] {32, 64, 128, 256}, 2.5, "method order 4 with warm-up steps"),
            new Row("deis", Map.of(), false, STD, 2.5, "method order 3 with warm-up steps"),
            new Row("gradient_estimation", Map.of(), false, new int[] {64, 128, 256, 512}, 1, "Euler plus an extrapolated correction"),
            new Row("seeds_2", Map.of("eta", 0.0), false, STD, 2, "eta 0: exponential RK2"),
            new Row("seeds_2", Map.of("eta", 0.0), true, STD, 2, "eta 0, on flow"),
            new Row("seeds_3", Map.of("eta", 0.0), false, new int[] {4, 8, 16, 32}, 3, "eta 0: exponential RK3"),
            new Row("sa_solver", Map.of("eta", 0.0), false, new int[] {8, 16, 32, 64}, 3, "tau 0: Adams predictor 3, corrector 4"),
            new Row("sa_solver_pece", Map.of("eta", 0.0), false, new int[] {8, 16, 32, 64}, 3, "tau 0, PECE"),
            new Row("uni_pc", Map.of(), false, new int[] {8, 16, 32, 64}, 2.5, "UniPC-3 (bh1) with lower order at the end; to sigma 0.01"),
            new Row("uni_pc_bh2", Map.of(), false, new int[] {8, 16, 32, 64}, 2.5, "UniPC-3 (bh2); to sigma 0.01"),
            new Row("dpm_fast", Map.of(), false, new int[] {8, 14, 26, 50}, 3, "DPM-Solver-3 singlestep, NFE = steps"));

    private static final Registry<Sampler> SAMPLERS = registry();

    private static Registry<Sampler> registry() {
        List<Provided<Sampler>> p = new ArrayList<>();
        for (Sampler s : BuiltInSamplers.all()) p.add(new Provided<>(s, "test"));
        return Registry.of("sampler", p);
    }

    static SamplerContractTest contract(Row row) {
        Sampler sampler = SAMPLERS.get(row.sampler());
        return new SamplerContractTest() {
            @Override
            protected Sampler sampler() {
                return sampler;
            }

            @Override
            protected Map<String, Object> options() {
                return row.options();
            }

            @Override
            protected GaussianData problem(int n) {
                return row.flow() ? GaussianData.flow(n, 0.5) : GaussianData.spread(n, 0.5);
            }

            @Override
            protected int[] orderSteps() {
                return row.steps();
            }

            @Override
            protected Sigmas orderSigmas(GaussianData data, int steps) {
                if (!row.sampler().startsWith("uni_pc")) return super.orderSigmas(data, steps);
                double[] s = new double[steps + 1];
                for (int i = 0; i <= steps; i++) s[i] = Math.exp(Math.log(14.614642) + (double) i / steps * (Math.log(0.01) - Math.log(14.614642)));
                return Sigmas.ofDoubles(s);
            }
        };
    }

    @Test
    void deterministicSamplersConvergeAtTheirOrder() throws IOException {
        StringBuilder table = new StringBuilder("| sampler | options | problem | steps | max error at each | measured order | expected | note |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        List<String> failures = new ArrayList<>();
        for (Row row : ROWS) {
            SamplerContractTest c = contract(row);
            double[] errors = c.errors(row.steps());
            double order = SamplerContractTest.slope(row.steps(), errors);
            StringBuilder errs = new StringBuilder();
            for (double e : errors) errs.append(errs.isEmpty() ? "" : ", ").append(String.format("%.2e", e));
            table.append(String.format("| %s | %s | %s | %s | %s | %.2f | %.1f | %s |%n", row.sampler(), row.options().isEmpty() ? "" : row.options(),
                    row.flow() ? "flow" : "VE", java.util.Arrays.toString(row.steps()), errs, order, row.expected(), row.note()));
            if (!(order > row.expected() - 0.3)) failures.add(row.sampler() + " " + row.options() + (row.flow() ? " flow" : "") + ": " + order);
        }
        Path out = Path.of("target", "convergence-orders.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        System.out.print(table);
        assertTrue(failures.isEmpty(), "below their order: " + failures + "\n" + table);
    }

    @Test
    void dpmAdaptiveGetsMoreAccurateWithATighterTolerance() {
        double previous = Double.POSITIVE_INFINITY;
        for (double rtol : new double[] {0.1, 0.01, 0.001}) {
            SamplerContractTest c = contract(new Row("dpm_adaptive", Map.of("rtol", rtol, "atol", rtol / 10), false, new int[] {10}, 0, ""));
            double error = c.errors(new int[] {10})[0];
            assertTrue(error < previous, "rtol " + rtol + ": error " + error + " not below " + previous);
            previous = error;
        }
        assertTrue(previous < 0.01, "rtol 0.001 ends " + previous + " from the exact solution");
    }
}
