package jdiffusion.schedulers.kdiffusion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.json.Json;
import jdiffusion.core.plugin.Provided;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.samplers.BuiltInSamplers;
import jdiffusion.schedulers.BuiltInSchedules;

/**
 * One folder of k-diffusion/ComfyUI reference data ({@code samplers/}, {@code schedules/},
 * {@code model_sampling/}, files {@code .json} or {@code .json.gz}) as conformance groups: one per model
 * sampling table, schedule file and sampler file. Files are parsed when a group's cases are asked for.
 */
public final class ReferenceSet {

    private final Path root;
    private final Registry<Sampler> samplers;
    private final Registry<SigmaSchedule> schedules;
    private Map<String, ModelSampling> modelSamplings;

    /** A set at {@code root} run against jdiffusion's built-in samplers and schedules. */
    public ReferenceSet(Path root) {
        this(root, registry("sampler", BuiltInSamplers.all()), registry("schedule", BuiltInSchedules.all()));
    }

    /** A set run against the given samplers and schedules (looked up by the reference's names, aliases included). */
    public ReferenceSet(Path root, Registry<Sampler> samplers, Registry<SigmaSchedule> schedules) {
        this.root = root;
        this.samplers = samplers;
        this.schedules = schedules;
    }

    private static <T extends jdiffusion.core.Named> Registry<T> registry(String kind, List<T> plugins) {
        List<Provided<T>> p = new ArrayList<>();
        for (T t : plugins) p.add(new Provided<>(t, "jdiffusion"));
        return Registry.of(kind, p);
    }

    /** Whether {@code dir} looks like such a set: model samplings with sampler or schedule cases beside them. */
    public static boolean isSet(Path dir) {
        return Files.isDirectory(dir.resolve("model_sampling"))
                && (Files.isDirectory(dir.resolve("samplers")) || Files.isDirectory(dir.resolve("schedules")));
    }

    public Path root() {
        return root;
    }

    /** Every group, model samplings first, then schedules, then samplers, each by file name. */
    public List<ConformanceGroup> groups() {
        List<ConformanceGroup> groups = new ArrayList<>();
        for (Path f : files("model_sampling")) groups.add(group("model_sampling " + stem(f), () -> modelSamplingCases(f)));
        for (Path f : files("schedules")) groups.add(group("schedule " + stem(f), () -> scheduleCases(f)));
        for (Path f : files("samplers")) groups.add(group("sampler " + stem(f), () -> samplerCases(f)));
        return groups;
    }

    private interface CaseLoader {
        List<ConformanceCase> load();
    }

    private static ConformanceGroup group(String name, CaseLoader loader) {
        return new ConformanceGroup() {
            private List<ConformanceCase> cases;

            @Override
            public String name() {
                return name;
            }

            @Override
            public synchronized List<ConformanceCase> cases() {
                if (cases == null) cases = loader.load();
                return cases;
            }

            @Override
            public String reference() {
                return "comfyui";
            }
        };
    }

    private List<Path> files(String sub) {
        Path dir = root.resolve(sub);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") || n.endsWith(".json.gz");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String stem(Path f) {
        String n = f.getFileName().toString();
        if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
        if (n.endsWith(".json")) n = n.substring(0, n.length() - 5);
        return n;
    }

    private static Map<String, Object> read(Path f) {
        try {
            return Cases.map(Json.read(f));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** The model samplings of this set by name, built as ComfyUI builds them. */
    synchronized Map<String, ModelSampling> modelSamplings() {
        if (modelSamplings == null) {
            Map<String, ModelSampling> m = new HashMap<>();
            for (Path f : files("model_sampling")) m.put(stem(f), ModelSamplings.build(read(f)));
            modelSamplings = m;
        }
        return modelSamplings;
    }

    private List<ConformanceCase> modelSamplingCases(Path f) {
        Map<String, Object> file = read(f);
        return List.of(new ModelSamplingCase(stem(f), file));
    }

    private List<ConformanceCase> scheduleCases(Path f) {
        Map<String, Object> file = read(f);
        List<ConformanceCase> out = new ArrayList<>();
        for (Object c : Cases.list(file.get("cases"))) out.add(new ScheduleCase(Cases.map(c), schedules, modelSamplings()));
        return out;
    }

    private List<ConformanceCase> samplerCases(Path f) {
        Map<String, Object> file = read(f);
        String samplerName = String.valueOf(file.getOrDefault("sampler", stem(f)));
        Map<String, Object> model = Cases.map(file.get("model"));
        List<ConformanceCase> out = new ArrayList<>();
        for (Object c : Cases.list(file.get("cases"))) {
            out.add(new SamplerCase(Cases.map(c), samplerName, model, samplers, modelSamplings()));
        }
        return out;
    }
}
