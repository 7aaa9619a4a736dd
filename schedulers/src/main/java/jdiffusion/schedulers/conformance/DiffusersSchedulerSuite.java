package jdiffusion.schedulers.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceSuite;
import jdiffusion.core.json.Json;
import jdiffusion.core.scheduler.SchedulerFactory;

/**
 * Proves the diffusers-compatible schedulers against reference sets computed by diffusers. A reference
 * set is a folder holding {@code schedulers/<Class>.json} (sampling cases), {@code forward/<Class>.json}
 * (forward-process cases) and {@code alphas_cumprod/<name>.json} (training tables), each optionally
 * gzipped; sets are found at any depth. Each class is one group (its sampling and forward cases), the
 * training tables another.
 */
public final class DiffusersSchedulerSuite implements ConformanceSuite {

    private static final Pattern CLASS_FILE = Pattern.compile("([A-Z][A-Za-z0-9]*Scheduler)\\.json(\\.gz)?");
    private static final Pattern TABLE_FILE = Pattern.compile("([A-Za-z0-9_.\\-]+)\\.json(\\.gz)?");

    private final Function<String, SchedulerFactory> factories;

    /** A suite over the scheduler classes found with {@link ServiceLoader}. */
    public DiffusersSchedulerSuite() {
        Map<String, SchedulerFactory> byName = new LinkedHashMap<>();
        for (SchedulerFactory f : ServiceLoader.load(SchedulerFactory.class, DiffusersSchedulerSuite.class.getClassLoader())) {
            byName.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f);
        }
        this.factories = name -> byName.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String name() {
        return "diffusers-schedulers";
    }

    @Override
    public String description() {
        return "diffusers scheduler classes: schedules, replayed-noise trajectories, forward process, training tables";
    }

    @Override
    public List<ConformanceGroup> discover(Path root) throws IOException {
        List<Path> sets = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(root, 12)) {
            dirs.filter(Files::isDirectory).filter(DiffusersSchedulerSuite::isReferenceSet).sorted().forEach(sets::add);
        }
        List<ConformanceGroup> groups = new ArrayList<>();
        for (Path set : sets) {
            String prefix = sets.size() > 1 ? root.relativize(set) + ": " : "";
            Map<String, List<Path>> byClass = new TreeMap<>();
            for (String sub : List.of("schedulers", "forward")) {
                for (Path f : files(set.resolve(sub), CLASS_FILE)) {
                    var m = CLASS_FILE.matcher(f.getFileName().toString());
                    if (m.matches()) byClass.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f);
                }
            }
            for (var e : byClass.entrySet()) {
                groups.add(new ClassGroup(prefix + e.getKey(), e.getValue(), factories));
            }
            List<Path> tables = files(set.resolve("alphas_cumprod"), TABLE_FILE);
            if (!tables.isEmpty()) groups.add(new TableGroup(prefix + "alphas_cumprod", tables));
        }
        return groups;
    }

    private static boolean isReferenceSet(Path dir) {
        try {
            return !files(dir.resolve("schedulers"), CLASS_FILE).isEmpty() || !files(dir.resolve("forward"), CLASS_FILE).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> files(Path dir, Pattern pattern) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> pattern.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    private static List<?> readList(Path file) {
        try {
            Object v = Json.read(file);
            if (v instanceof List<?> l) return l;
            throw new IllegalArgumentException(file + ": expected a JSON list of cases");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One scheduler class: its sampling cases, then its forward cases; files are read when asked for. */
    private record ClassGroup(String name, List<Path> files, Function<String, SchedulerFactory> factories) implements ConformanceGroup {
        @Override
        public List<ConformanceCase> cases() {
            List<ConformanceCase> cases = new ArrayList<>();
            for (Path f : files) {
                boolean forward = f.getParent().getFileName().toString().equals("forward");
                for (Object o : readList(f)) {
                    Map<String, Object> c = Values.map(o);
                    cases.add(forward ? new ForwardCase(c, factories) : new SamplingCase(c, factories));
                }
            }
            return cases;
        }
    }

    /** The training tables. */
    private record TableGroup(String name, List<Path> files) implements ConformanceGroup {
        @Override
        public List<ConformanceCase> cases() {
            List<ConformanceCase> cases = new ArrayList<>();
            for (Path f : files) {
                try {
                    Map<String, Object> c = Json.readObject(f);
                    cases.add(new TrainingTableCase("alphas_cumprod/" + c.get("name"), c));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return cases;
        }
    }
}
