package jdiffusion.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import jdiffusion.core.ConfigException;
import jdiffusion.core.plugin.Provided;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.tck.GaussianData;
import jdiffusion.tck.SeededGaussianNoise;
import org.junit.jupiter.api.Test;

/** Names users know, ComfyUI's names, service declarations and option checking. */
class SamplerRegistrationTest {

    private static Registry<Sampler> registry() {
        List<Provided<Sampler>> p = new ArrayList<>();
        for (Sampler s : BuiltInSamplers.all()) p.add(new Provided<>(s, "built-in"));
        Registry<Sampler> r = Registry.of("sampler", p);
        assertTrue(r.problems().isEmpty(), "no clashing names or aliases: " + r.problems());
        return r;
    }

    @Test
    void everyNameUsersKnowResolves() {
        Registry<Sampler> r = registry();
        for (String name : List.of("euler", "euler_a", "heun", "dpm_2", "dpm_2_a", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_a",
                "dpmpp_sde", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde", "ddim", "ddpm", "uni_pc", "uni_pc_bh2",
                "lcm", "ipndm", "ipndm_v", "deis", "heunpp2", "restart", "res_multistep", "er_sde", "seeds_2", "seeds_3", "sa_solver",
                "gradient_estimation", "euler_cfg_pp", "euler_a_cfg_pp", "dpmpp_2m_cfg_pp")) {
            assertEquals(name, r.get(name).name());
        }
    }

    @Test
    void everyComfyUiSamplerNameIsAnAlias() {
        Registry<Sampler> r = registry();
        // comfy/samplers.py SAMPLER_NAMES at the reference commit, and the rectified-flow functions.
        for (String name : List.of("euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2", "dpm_2",
                "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral", "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde",
                "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde", "dpmpp_2m_sde_gpu", "dpmpp_2m_sde_heun",
                "dpmpp_2m_sde_heun_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm", "lcm", "ipndm", "ipndm_v", "deis", "res_multistep",
                "res_multistep_cfg_pp", "res_multistep_ancestral", "res_multistep_ancestral_cfg_pp", "gradient_estimation",
                "gradient_estimation_cfg_pp", "er_sde", "seeds_2", "seeds_3", "sa_solver", "sa_solver_pece", "ddim", "uni_pc",
                "uni_pc_bh2", "euler_ancestral_RF", "dpm_2_ancestral_RF", "dpmpp_2s_ancestral_RF")) {
            assertTrue(r.find(name).isPresent(), "ComfyUI's " + name);
        }
    }

    @Test
    void theServiceDeclarationsListEveryBuiltInSampler() throws IOException {
        TreeSet<String> builtIn = new TreeSet<>();
        for (Sampler s : BuiltInSamplers.all()) builtIn.add(s.getClass().getName());
        TreeSet<String> loaded = new TreeSet<>();
        for (Sampler s : ServiceLoader.load(Sampler.class)) loaded.add(s.getClass().getName());
        assertEquals(builtIn, loaded, "META-INF/services");
        String moduleInfo = Files.readString(Path.of("src/main/java/module-info.java"));
        for (String name : builtIn) {
            assertTrue(moduleInfo.contains(name.replace('$', '.')), "module-info.java provides " + name);
        }
    }

    @Test
    void theDpmSolverPlusPlusSdeSamplersAskForBrownianNoise() {
        TreeSet<String> brownian = new TreeSet<>();
        for (Sampler s : BuiltInSamplers.all()) if (s.prefersBrownianNoise()) brownian.add(s.name());
        assertEquals(new TreeSet<>(List.of("dpmpp_sde", "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde")), brownian);
    }

    @Test
    void anUnknownOptionIsRejectedWithTheKnownOnes() {
        Sampler euler = registry().get("euler_a");
        GaussianData data = GaussianData.spread(8, 0.5);
        ConfigException e = assertThrows(ConfigException.class, () -> euler.sample(data, new float[8], Sigmas.of(1f, 0f),
                SamplingContext.of(new SeededGaussianNoise(1)).withOptions(Map.of("etta", 1.0))));
        assertTrue(e.getMessage().contains("etta") && e.getMessage().contains("eta") && e.getMessage().contains("s_noise"), e.getMessage());
    }

    @Test
    void dpmFastRejectsEtaWhenItHasNoRangeToStepThrough() {
        Sampler fast = registry().get("dpm_fast");
        GaussianData data = GaussianData.spread(8, 0.5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fast.sample(data, new float[8],
                Sigmas.of(14.6f, 0f), SamplingContext.of(new SeededGaussianNoise(1)).withOptions(Map.of("eta", 1.0))));
        assertTrue(e.getMessage().contains("eta must be 0"), e.getMessage());
    }
}
