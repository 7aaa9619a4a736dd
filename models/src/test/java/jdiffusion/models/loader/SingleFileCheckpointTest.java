package jdiffusion.models.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.conformance.Comparison;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.conformance.ReferenceIo;
import jdiffusion.models.nn.Params;
import jdiffusion.models.testing.RefModels;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.models.weights.SafetensorsWeights;
import jdiffusion.models.weights.WeightSource;
import jdiffusion.core.io.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleFileCheckpointTest {

    private static SingleFileCheckpoint tinySd15() throws IOException {
        return SingleFileCheckpoint.open(ReferenceFiles.resolve(RefModels.dir("single-file-sd15-tiny"), "model.safetensors"));
    }

    /** Every diffusers tensor of the UNet and VAE is found under its LDM name, byte for byte, none left over. */
    @Test
    void ldmNamesMapOntoEveryDiffusersTensorWithoutCopies() throws IOException {
        SingleFileCheckpoint ckpt = tinySd15();
        Path unetDir = RefModels.dir("unet-sd15-tiny");
        Path vaeDir = RefModels.dir("vae-tiny");
        UNetConfig uc = UNetConfig.from(Components.readConfig(ReferenceFiles.resolve(unetDir, "config.json")));
        check(SafetensorsWeights.open(ReferenceFiles.resolve(unetDir, "weights.safetensors")), ckpt.unetWeights(uc), 494);
        check(SafetensorsWeights.open(ReferenceFiles.resolve(vaeDir, "weights.safetensors")),
                LdmKeyMap.vae(ckpt.weights(), ckpt.vaePrefix(), 3), 152);
        assertTrue(ckpt.unetWeights(uc).tensor("conv_in.weight").segment().isMapped());
    }

    private static void check(WeightSource diffusers, WeightSource mapped, int count) {
        assertEquals(count, diffusers.names().size());
        assertEquals(new java.util.TreeSet<>(diffusers.names()), new java.util.TreeSet<>(mapped.names()), "mapped names");
        for (String k : diffusers.names()) {
            assertTrue(mapped.contains(k), "no LDM key maps to " + k);
            assertArrayEquals(diffusers.tensor(k).toFloatArray(), mapped.tensor(k).toFloatArray(), k);
            assertArrayEquals(diffusers.tensor(k).shape(), mapped.tensor(k).shape(), k);
        }
    }

    @Test
    void detectsTheFamilyAndInfersTheShapesTheFileTells() throws IOException {
        SingleFileCheckpoint ckpt = tinySd15();
        assertEquals("sd1", ckpt.kind().family());
        assertFalse(ckpt.kind().inpainting());
        UNetConfig inferred = UNetConfig.from(LdmConfigInference.unet(ckpt.weights(), "sd1"));
        UNetConfig real = UNetConfig.from(Components.readConfig(ReferenceFiles.resolve(RefModels.dir("unet-sd15-tiny"), "config.json")));
        assertArrayEquals(real.blockOutChannels(), inferred.blockOutChannels());
        assertArrayEquals(real.layersPerBlock(), inferred.layersPerBlock());
        assertEquals(real.downBlockTypes(), inferred.downBlockTypes());
        assertEquals(real.upBlockTypes(), inferred.upBlockTypes());
        assertArrayEquals(real.crossAttentionDim(), inferred.crossAttentionDim());
        assertArrayEquals(real.attentionHeads(), inferred.attentionHeads(), "SD 1.x default: 8 heads");
        assertEquals(real.useLinearProjection(), inferred.useLinearProjection());
        assertEquals(real.timeEmbedDim(), inferred.timeEmbedDim());
        assertEquals(32, inferred.normNumGroups(), "GroupNorm groups cannot be told from shapes: the family default");
    }

    /**
     * SD 2.x and SDXL layouts: the diffusers reference UNets renamed to LDM keys (as diffusers' export script
     * lays them out) load through the single-file path and reproduce the reference outputs.
     */
    @Test
    void sd2AndSdxlUNetsLoadFromLdmKeys(@TempDir Path tmp) throws Exception {
        for (String name : List.of("unet-sd2-tiny", "unet-sdxl-tiny")) {
            Path dir = RefModels.dir(name);
            Config config = Components.readConfig(ReferenceFiles.resolve(dir, "config.json"));
            UNetConfig uc = UNetConfig.from(config);
            WeightSource diffusers = SafetensorsWeights.open(ReferenceFiles.resolve(dir, "weights.safetensors"));
            Map<String, String> names = DiffusersToLdm.unet(diffusers.names(), uc);
            Map<String, Tensor> ldm = new LinkedHashMap<>();
            names.forEach((d, l) -> ldm.put(l, diffusers.tensor(d)));
            Path file = tmp.resolve(name + ".safetensors");
            SafetensorsWriter.write(file, ldm, Map.of("format", "pt"));

            SingleFileCheckpoint ckpt = SingleFileCheckpoint.open(file);
            assertEquals(name.contains("sdxl") ? "sdxl" : "sd2", ckpt.kind().family(), name);
            Backend be = RefModels.backend();
            UNet2DConditionModel unet = ckpt.unet(config, be, Parameterization.EPSILON);
            ReferenceIo io = ReferenceIo.open(dir);
            Tensor textEmbeds = io.has("case1.in.added_cond_kwargs.text_embeds") ? io.get("case1.in.added_cond_kwargs.text_embeds") : null;
            Tensor timeIds = io.has("case1.in.added_cond_kwargs.time_ids") ? io.get("case1.in.added_cond_kwargs.time_ids") : null;
            Tensor out = unet.predict(io.get("case1.in.sample"), io.get("case1.in.timestep").toFloatArray(),
                    new Conditioning(io.get("case1.in.encoder_hidden_states"), textEmbeds, timeIds, List.of(), null));
            Comparison c = Comparison.of(name, be.toHost(out), io.get("case1.out"), 1e-4, 1e-4);
            assertTrue(c.withinTolerance(), c.problem());

            UNetConfig inferred = UNetConfig.from(LdmConfigInference.unet(ckpt.weights(), ckpt.kind().family()));
            assertArrayEquals(uc.blockOutChannels(), inferred.blockOutChannels(), name);
            assertEquals(uc.downBlockTypes(), inferred.downBlockTypes(), name);
            assertEquals(uc.upBlockTypes(), inferred.upBlockTypes(), name);
            assertArrayEquals(uc.crossAttentionDim(), inferred.crossAttentionDim(), name);
            assertEquals(uc.useLinearProjection(), inferred.useLinearProjection(), name);
            assertArrayEquals(uc.transformerLayers()[uc.transformerLayers().length - 1], inferred.transformerLayers()[inferred.transformerLayers().length - 1], name);
            assertEquals(uc.projectionClassEmbeddingsInputDim(), inferred.projectionClassEmbeddingsInputDim(), name);
        }
    }

    @Test
    void picklesAreRefusedWithTheirConversion(@TempDir Path tmp) throws IOException {
        Path ckpt = tmp.resolve("v1-5-pruned.ckpt");
        Files.write(ckpt, new byte[]{(byte) 0x80, 2, 'c'});
        var e = assertThrows(IOException.class, () -> SingleFileCheckpoint.open(ckpt));
        assertTrue(e.getMessage().contains("pickle") && e.getMessage().contains("safetensors") && e.getMessage().contains("v1-5-pruned.ckpt"), e.getMessage());
        Path folder = Files.createDirectories(tmp.resolve("unet"));
        Files.write(folder.resolve("diffusion_pytorch_model.bin"), new byte[]{1});
        var e2 = assertThrows(IOException.class, () -> Components.weights(folder, null));
        assertTrue(e2.getMessage().contains("diffusion_pytorch_model.bin") && e2.getMessage().contains("unpickling"), e2.getMessage());
    }

    @Test
    void aSingleFileUNetIsTheFolderUNet() throws IOException {
        // the same network, so all parameters are used and every one is a view of the mapped file
        SingleFileCheckpoint ckpt = tinySd15();
        UNetConfig uc = UNetConfig.from(Components.readConfig(ReferenceFiles.resolve(RefModels.dir("unet-sd15-tiny"), "config.json")));
        Params p = Params.of(ckpt.unetWeights(uc), RefModels.backend());
        new UNet2DConditionModel(uc, p, Parameterization.EPSILON);
        assertEquals(java.util.Set.of(), p.unused());
    }
}
