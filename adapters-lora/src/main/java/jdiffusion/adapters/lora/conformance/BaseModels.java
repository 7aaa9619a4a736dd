package jdiffusion.adapters.lora.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.json.Json;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.clip.ClipTokenizer;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.loader.Components;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.weights.SafetensorsWeights;

/**
 * The base networks an adapter case names in its case.json ({@code base_model}: "../unet-sd15-tiny",
 * "../sd15-tiny-pipeline (its unet = ../unet-sd15-tiny weights)", "tokenizer = public/clip-tokenizer vocab",
 * ...): every folder named there is looked up, and the first holding the network is used: a standalone
 * folder ({@code config.json} + {@code weights.safetensors}, files possibly gzipped) or a diffusers pipeline
 * folder's {@code unet/}, {@code text_encoder/}, {@code tokenizer/}.
 */
final class BaseModels {

    /** Every word that could be a folder name ("../unet-sd15-tiny", "public/clip-tokenizer", ...). */
    private static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]");

    private final List<Path> candidates = new ArrayList<>();

    /** @param locate finds a reference folder by name (a sibling of the case, or the project's copies), or null */
    BaseModels(Path caseDir, String baseModelText, Function<String, Path> locate) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = FOLDER.matcher(baseModelText);
        while (m.find()) names.add(m.group());
        for (String n : names) {
            Path p = locate.apply(n);
            if (p != null && Files.isDirectory(p)) candidates.add(p);
        }
    }

    private static boolean has(Path dir, String file) {
        return ReferenceFiles.exists(dir, file);
    }

    private static String kind(Path dir) throws IOException {
        if (!has(dir, "config.json")) return "";
        Map<String, Object> c = Json.readObject(ReferenceFiles.resolve(dir, "config.json"));
        if ("UNet2DConditionModel".equals(c.get("_class_name"))) return "unet";
        if (String.valueOf(c.get("model_type")).startsWith("clip")) return "clip";
        return "";
    }

    private static Path weightsIn(Path dir) {
        for (String n : List.of("weights.safetensors", "diffusion_pytorch_model.safetensors", "model.safetensors")) {
            if (has(dir, n)) return dir;
        }
        return null;
    }

    private static String weightsName(Path dir) {
        for (String n : List.of("weights.safetensors", "diffusion_pytorch_model.safetensors", "model.safetensors")) {
            if (has(dir, n)) return n;
        }
        throw new IllegalStateException(dir + " has no weights");
    }

    /** The folder (standalone, or a pipeline's sub-folder) holding a network of {@code kind} with weights. */
    private Path find(String kind, String pipelineSub) throws IOException {
        for (Path c : candidates) {
            Path sub = c.resolve(pipelineSub);
            if (Files.isDirectory(sub) && kind(sub).equals(kind) && weightsIn(sub) != null) return sub;
            if (kind(c).equals(kind) && weightsIn(c) != null) return c;
        }
        throw new IOException("no " + kind + " with weights among the base folders " + candidates
                + " (the case's base_model names them)");
    }

    UNet2DConditionModel unet(Backend backend) throws IOException {
        Path d = find("unet", "unet");
        return Components.unet(ReferenceFiles.resolve(d, "config.json"),
                SafetensorsWeights.open(ReferenceFiles.resolve(d, weightsName(d))), backend, Parameterization.EPSILON);
    }

    ClipTextModel textEncoder(Backend backend) throws IOException {
        Path d = find("clip", "text_encoder");
        return Components.textEncoder(ReferenceFiles.resolve(d, "config.json"),
                SafetensorsWeights.open(ReferenceFiles.resolve(d, weightsName(d))), backend);
    }

    ClipTokenizer tokenizer() throws IOException {
        for (Path c : candidates) {
            for (Path d : List.of(c.resolve("tokenizer"), c)) {
                if (Files.isDirectory(d) && has(d, "vocab.json") && has(d, "merges.txt")) {
                    return ClipTokenizer.load(ReferenceFiles.resolve(d, "vocab.json"), ReferenceFiles.resolve(d, "merges.txt"), null);
                }
            }
        }
        throw new IOException("no tokenizer (vocab.json + merges.txt) among the base folders " + candidates);
    }
}
