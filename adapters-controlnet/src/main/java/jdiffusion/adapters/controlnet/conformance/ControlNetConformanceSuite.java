package jdiffusion.adapters.controlnet.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdiffusion.adapters.controlnet.ControlNetModel;
import jdiffusion.adapters.controlnet.ControlNetOutput;
import jdiffusion.adapters.controlnet.ControlNetUnit;
import jdiffusion.adapters.controlnet.ControlNets;
import jdiffusion.adapters.controlnet.ControlledNoisePredictor;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceSuite;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.conformance.Comparison;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.loader.Components;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.weights.SafetensorsWeights;

/**
 * The ControlNet reference sets: a folder whose case.json has {@code "class": "ControlNetModel"}, with its
 * config, weights and io. Cases: the residuals at the recorded conditioning scale, and the UNet its
 * case.json names ({@code unet = ../<folder>}) run with the ControlNet through
 * {@link ControlledNoisePredictor}; atol 1e-4 + rtol 1e-4.
 */
public final class ControlNetConformanceSuite implements ConformanceSuite {

    static final double ATOL = 1e-4;
    static final double RTOL = 1e-4;
    private static final Pattern SCALE = Pattern.compile("conditioning_scale=([0-9.]+)");
    private static final Pattern UNET = Pattern.compile("unet = \\.\\./([A-Za-z0-9_.-]+)");

    private final Function<Path, Function<String, Path>> locator;
    private Backend backend;

    public ControlNetConformanceSuite() {
        this(caseDir -> name -> {
            Path p = caseDir.resolveSibling(name);
            return Files.isDirectory(p) ? p : null;
        });
    }

    /** @param locator per case folder, how to find a base folder by name */
    public ControlNetConformanceSuite(Function<Path, Function<String, Path>> locator) {
        this.locator = locator;
    }

    @Override
    public String name() {
        return "controlnet";
    }

    @Override
    public String description() {
        return "ControlNet residuals and the UNet with them, parity with diffusers";
    }

    public ControlNetConformanceSuite withBackend(Backend b) {
        this.backend = b;
        return this;
    }

    private synchronized Backend backend() {
        if (backend == null) {
            BackendProvider chosen = null;
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, ControlNetConformanceSuite.class.getClassLoader())) {
                if (!p.isAvailable()) continue;
                if (chosen == null || p.name().equals("cpu")) chosen = p;
            }
            if (chosen == null) throw new IllegalStateException("no compute backend available to run ControlNet cases");
            backend = chosen.create("", 0);
        }
        return backend;
    }

    @Override
    public List<ConformanceGroup> discover(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<ConformanceGroup> groups = new ArrayList<>();
        for (Path dir : dirs) {
            if (!ReferenceFiles.exists(dir, "case.json") || !ReferenceFiles.exists(dir, "io.safetensors")
                    || !ReferenceFiles.exists(dir, "config.json") || !ReferenceFiles.exists(dir, "weights.safetensors")) continue;
            Map<String, Object> cj = Json.readObject(ReferenceFiles.resolve(dir, "case.json"));
            if (!"ControlNetModel".equals(cj.get("class"))) continue;
            groups.add(new Group("controlnet " + dir.getFileName(), cases(dir, cj)));
        }
        return groups;
    }

    record Group(String name, List<ConformanceCase> cases) implements ConformanceGroup {
    }

    private List<ConformanceCase> cases(Path dir, Map<String, Object> cj) {
        Map<?, ?> calls = cj.get("calls") instanceof Map<?, ?> m ? m : Map.of();
        String cnCall = String.valueOf(calls.get("controlnet"));
        Matcher sm = SCALE.matcher(cnCall);
        float scale = sm.find() ? Float.parseFloat(sm.group(1)) : 1f;
        Memo<ControlNetModel> cn = new Memo<>(() -> ControlNets.load(Json.readObject(ReferenceFiles.resolve(dir, "config.json")),
                dir.getFileName() + "/config.json", SafetensorsWeights.open(ReferenceFiles.resolve(dir, "weights.safetensors")), backend()));
        Memo<SafetensorsFile> io = new Memo<>(() -> SafetensorsFile.open(ReferenceFiles.resolve(dir, "io.safetensors")));
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(new Case("residuals x" + scale, () -> {
            SafetensorsFile r = io.get();
            ControlNetOutput out = cn.get().forward(r.tensor("in.sample"), r.tensor("in.timestep").toFloatArray(),
                    Conditioning.text(r.tensor("in.encoder_hidden_states")), r.tensor("in.controlnet_cond"), scale, false);
            List<Comparison> c = new ArrayList<>();
            for (int i = 0; i < out.down().size(); i++) {
                String key = "out.down_block_res_samples." + i;
                c.add(Comparison.of(key, backend().toHost(out.down().get(i)), r.tensor(key), ATOL, RTOL));
            }
            c.add(Comparison.of("out.mid_block_res_sample", backend().toHost(out.mid()), r.tensor("out.mid_block_res_sample"), ATOL, RTOL));
            return c;
        }));
        Matcher um = UNET.matcher(String.valueOf(calls.get("unet_with_residuals")));
        Path unetDir = um.find() ? locator.apply(dir).apply(um.group(1)) : null;
        if (unetDir != null) {
            Memo<UNet2DConditionModel> unet = new Memo<>(() -> Components.unet(ReferenceFiles.resolve(unetDir, "config.json"),
                    SafetensorsWeights.open(ReferenceFiles.resolve(unetDir, "weights.safetensors")), backend(), Parameterization.EPSILON));
            cases.add(new Case("unet with controlnet x" + scale, () -> {
                SafetensorsFile r = io.get();
                ControlledNoisePredictor p = new ControlledNoisePredictor(unet.get(), backend(),
                        List.of(ControlNetUnit.of(cn.get(), r.tensor("in.controlnet_cond"), scale)));
                Tensor out = p.predict(r.tensor("in.sample"), r.tensor("in.timestep").toFloatArray(),
                        Conditioning.text(r.tensor("in.encoder_hidden_states")));
                return List.of(Comparison.of("unet_with_residuals.out", backend().toHost(out), r.tensor("unet_with_residuals.out"), ATOL, RTOL));
            }));
        } else {
            cases.add(new Skipped("unet with controlnet", "the UNet named in case.json (unet = ../<folder>) is not beside it"));
        }
        return cases;
    }

    /** A lazily made value shared by the cases of one folder. */
    private static final class Memo<T> {
        private final Callable<T> make;
        private T value;

        Memo(Callable<T> make) {
            this.make = make;
        }

        synchronized T get() throws Exception {
            if (value == null) value = make.call();
            return value;
        }
    }

    private record Case(String id, Callable<List<Comparison>> compute) implements ConformanceCase {
        @Override
        public CaseResult run() {
            List<Comparison> results;
            try {
                results = compute.call();
            } catch (Exception | Error e) {
                return CaseResult.failed(Double.NaN, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            double worst = 0;
            Comparison w = null;
            StringBuilder problems = new StringBuilder();
            boolean exact = true;
            for (Comparison c : results) {
                if (!c.withinTolerance()) problems.append(problems.isEmpty() ? "" : "; ").append(c.problem());
                if (w == null || c.maxRel() >= worst) {
                    worst = c.maxRel();
                    w = c;
                }
                exact &= c.bitExact();
            }
            if (!problems.isEmpty()) return CaseResult.failed(worst, problems.toString());
            return new CaseResult(CaseResult.Outcome.PASSED, worst, exact, results.size() + " tensors, worst " + w.summary());
        }
    }

    private record Skipped(String id, String why) implements ConformanceCase {
        @Override
        public CaseResult run() {
            return CaseResult.skipped(why);
        }
    }
}
