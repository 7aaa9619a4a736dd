package jdiffusion.models.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.io.SafetensorsWriter;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.conformance.Comparison;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.conformance.ReferenceIo;
import jdiffusion.models.testing.RefModels;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.vae.AutoencoderKL;
import jdiffusion.models.weights.SafetensorsWeights;
import jdiffusion.models.weights.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffusersModelLoaderTest {

    private static void copy(Path refDir, String name, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.copy(ReferenceFiles.resolve(refDir, name), target);
    }

    /** A diffusers folder assembled from the reference copies (the layout of sd15-tiny-pipeline). */
    private static Path pipelineFolder(Path tmp) throws IOException {
        Path d = tmp.resolve("sd15-tiny");
        Files.createDirectories(d);
        Files.copy(RefModels.dir("sd15-tiny-pipeline").resolve("model_index.json"), d.resolve("model_index.json"));
        copy(RefModels.dir("unet-sd15-tiny"), "config.json", d.resolve("unet/config.json"));
        copy(RefModels.dir("unet-sd15-tiny"), "weights.safetensors", d.resolve("unet/diffusion_pytorch_model.safetensors"));
        copy(RefModels.dir("vae-tiny"), "config.json", d.resolve("vae/config.json"));
        copy(RefModels.dir("vae-tiny"), "weights.fp16.safetensors", d.resolve("vae/diffusion_pytorch_model.fp16.safetensors"));
        copy(RefModels.dir("clip-text-sd15-tiny"), "config.json", d.resolve("text_encoder/config.json"));
        copy(RefModels.dir("clip-text-sd15-tiny"), "weights.safetensors", d.resolve("text_encoder/model.safetensors"));
        copy(RefModels.dir("clip-tokenizer"), "vocab.json", d.resolve("tokenizer/vocab.json"));
        copy(RefModels.dir("clip-tokenizer"), "merges.txt", d.resolve("tokenizer/merges.txt"));
        Files.createDirectories(d.resolve("scheduler"));
        Files.writeString(d.resolve("scheduler/scheduler_config.json"), "{\"_class_name\": \"EulerDiscreteScheduler\", \"prediction_type\": \"epsilon\"}");
        return d;
    }

    @Test
    void loadsAPipelineFolderWithItsFp16OnlyVaeKeptInFloat16(@TempDir Path tmp) throws IOException {
        Path d = pipelineFolder(tmp);
        DiffusersModelLoader loader = new DiffusersModelLoader();
        assertTrue(loader.canLoad(d));
        StableDiffusionModel m = loader.load(d, RefModels.backend(), Config.empty("options"));
        assertEquals("sd1", m.family());
        assertEquals(1, m.textEncoders().size());
        assertEquals(Parameterization.EPSILON, m.unet().parameterization());
        assertEquals("EulerDiscreteScheduler", m.schedulerConfig().getString("_class_name", null));
        assertArrayEquals(new int[]{49406, 320, 736, 11353, 525, 320, 2175, 49407},
                java.util.Arrays.copyOf(m.tokenizers().get(0).window(m.tokenizers().get(0).encode("a red cube on a table")), 8));
        WeightSource vaeWeights = Components.weights(d.resolve("vae"), null);
        assertEquals(DType.FLOAT16, vaeWeights.tensor("decoder.conv_in.weight").dtype(), "fp16 weights stay fp16");
        ReferenceIo io = ReferenceIo.open(RefModels.dir("vae-tiny"));
        Backend be = RefModels.backend();
        Tensor img = m.vae().decode(be.fromHost(io.get("decode.in.latent")));
        Comparison c = Comparison.of("fp16 decode", be.toHost(img), io.get("decode.out.image_from_fp16_weights"), 1e-4, 1e-4);
        assertTrue(c.withinTolerance(), c.problem());
    }

    @Test
    void shardedWeightsLoadThroughTheirIndex(@TempDir Path tmp) throws IOException {
        Path ref = RefModels.dir("unet-sd15-tiny");
        WeightSource all = SafetensorsWeights.open(ReferenceFiles.resolve(ref, "weights.safetensors"));
        Path unet = Files.createDirectories(tmp.resolve("unet"));
        copy(ref, "config.json", unet.resolve("config.json"));
        List<String> names = new ArrayList<>(all.names());
        Map<String, Object> weightMap = new LinkedHashMap<>();
        for (int s = 0; s < 3; s++) {
            Map<String, Tensor> shard = new LinkedHashMap<>();
            String file = "diffusion_pytorch_model-0000" + (s + 1) + "-of-00003.safetensors";
            for (int i = s; i < names.size(); i += 3) {
                shard.put(names.get(i), all.tensor(names.get(i)));
                weightMap.put(names.get(i), file);
            }
            SafetensorsWriter.write(unet.resolve(file), shard, Map.of("format", "pt"));
        }
        Files.writeString(unet.resolve("diffusion_pytorch_model.safetensors.index.json"),
                Json.write(Map.of("metadata", Map.of(), "weight_map", weightMap)));
        UNet2DConditionModel model = Components.unet(unet.resolve("config.json"), Components.weights(unet, null),
                RefModels.backend(), Parameterization.EPSILON);
        ReferenceIo io = ReferenceIo.open(ref);
        Backend be = RefModels.backend();
        Tensor out = model.predict(io.get("case2.in.sample"), io.get("case2.in.timestep").toFloatArray(),
                Conditioning.text(io.get("case2.in.encoder_hidden_states")));
        Comparison c = Comparison.of("case2", be.toHost(out), io.get("case2.out"), 1e-4, 1e-4);
        assertTrue(c.withinTolerance(), c.problem());
    }

    @Test
    void theVaeDecodesFromItsFolderWithTheDefaultWeightsName(@TempDir Path tmp) throws IOException {
        Path d = pipelineFolder(tmp);
        copy(RefModels.dir("vae-tiny"), "weights.safetensors", d.resolve("vae/diffusion_pytorch_model.safetensors"));
        AutoencoderKL vae = Components.vae(d.resolve("vae/config.json"), Components.weights(d.resolve("vae"), null), RefModels.backend());
        AutoencoderKL fp16 = Components.vae(d.resolve("vae/config.json"), Components.weights(d.resolve("vae"), "fp16"), RefModels.backend());
        ReferenceIo io = ReferenceIo.open(RefModels.dir("vae-tiny"));
        Backend be = RefModels.backend();
        Tensor latent = be.fromHost(io.get("decode.in.latent"));
        assertTrue(Comparison.of("fp32", be.toHost(vae.decode(latent)), io.get("decode.out.image"), 1e-4, 1e-4).withinTolerance());
        assertTrue(Comparison.of("fp16", be.toHost(fp16.decode(latent)), io.get("decode.out.image_from_fp16_weights"), 1e-4, 1e-4).withinTolerance());
    }
}
