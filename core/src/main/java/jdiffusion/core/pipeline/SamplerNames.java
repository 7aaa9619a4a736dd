package jdiffusion.core.pipeline;

import java.util.Locale;
import java.util.Map;
import jdiffusion.core.Config;

/** The names A1111 shows (and parses back) for samplers, schedules and diffusers scheduler classes. */
final class SamplerNames {

    private SamplerNames() {
    }

    private static final Map<String, String> SAMPLERS = Map.ofEntries(
            Map.entry("euler", "Euler"), Map.entry("euler_a", "Euler a"), Map.entry("euler_ancestral", "Euler a"),
            Map.entry("heun", "Heun"), Map.entry("dpm_2", "DPM2"), Map.entry("dpm2", "DPM2"),
            Map.entry("dpm_2_ancestral", "DPM2 a"), Map.entry("dpm2_a", "DPM2 a"), Map.entry("dpm_2_a", "DPM2 a"),
            Map.entry("lms", "LMS"), Map.entry("dpmpp_2s_a", "DPM++ 2S a"), Map.entry("dpmpp_2m_sde_heun", "DPM++ 2M SDE Heun"),
            Map.entry("uni_pc", "UniPC"), Map.entry("uni_pc_bh2", "UniPC"), Map.entry("euler_a_cfg_pp", "Euler a CFG++"),
            Map.entry("dpmpp_2m_cfg_pp", "DPM++ 2M CFG++"), Map.entry("dpmpp_2s_a_cfg_pp", "DPM++ 2S a CFG++"),
            Map.entry("dpm_fast", "DPM fast"), Map.entry("dpm_adaptive", "DPM adaptive"),
            Map.entry("dpmpp_2s_ancestral", "DPM++ 2S a"),
            Map.entry("dpmpp_sde", "DPM++ SDE"), Map.entry("dpmpp_2m", "DPM++ 2M"),
            Map.entry("dpmpp_2m_sde", "DPM++ 2M SDE"), Map.entry("dpmpp_3m_sde", "DPM++ 3M SDE"),
            Map.entry("ddim", "DDIM"), Map.entry("plms", "PLMS"), Map.entry("unipc", "UniPC"), Map.entry("lcm", "LCM"),
            Map.entry("restart", "Restart"), Map.entry("heunpp2", "Heun++ 2"), Map.entry("ipndm", "iPNDM"),
            Map.entry("deis", "DEIS"), Map.entry("euler_cfg_pp", "Euler CFG++"),
            Map.entry("euler_ancestral_cfg_pp", "Euler a CFG++"));

    private static final Map<String, String> SCHEDULES = Map.ofEntries(
            Map.entry("normal", "Normal"), Map.entry("karras", "Karras"), Map.entry("exponential", "Exponential"),
            Map.entry("polyexponential", "Polyexponential"), Map.entry("sgm_uniform", "SGM Uniform"),
            Map.entry("simple", "Simple"), Map.entry("ddim_uniform", "DDIM"), Map.entry("beta", "Beta"),
            Map.entry("kl_optimal", "KL Optimal"), Map.entry("align_your_steps", "Align Your Steps"),
            Map.entry("uniform", "Uniform"), Map.entry("linear_quadratic", "Linear Quadratic"));

    private static final Map<String, String> SCHEDULER_CLASSES = Map.ofEntries(
            Map.entry("EulerDiscreteScheduler", "Euler"), Map.entry("EulerAncestralDiscreteScheduler", "Euler a"),
            Map.entry("HeunDiscreteScheduler", "Heun"), Map.entry("KDPM2DiscreteScheduler", "DPM2"),
            Map.entry("KDPM2AncestralDiscreteScheduler", "DPM2 a"), Map.entry("LMSDiscreteScheduler", "LMS"),
            Map.entry("DDIMScheduler", "DDIM"), Map.entry("PNDMScheduler", "PLMS"),
            Map.entry("UniPCMultistepScheduler", "UniPC"), Map.entry("LCMScheduler", "LCM"),
            Map.entry("DEISMultistepScheduler", "DEIS"), Map.entry("DDPMScheduler", "DDPM"),
            Map.entry("TCDScheduler", "TCD"), Map.entry("SASolverScheduler", "SA-Solver"),
            Map.entry("IPNDMScheduler", "iPNDM"));

    static String sampler(String name) {
        return SAMPLERS.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }

    static String schedule(String name) {
        return SCHEDULES.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }

    /** The A1111 sampler name for a diffusers scheduler configuration. */
    static String schedulerClass(Config config) {
        String cls = config.getString("_class_name", "");
        if (cls.equals("DPMSolverMultistepScheduler") || cls.equals("DPMSolverSinglestepScheduler")) {
            String algo = config.getString("algorithm_type", "dpmsolver++");
            boolean sde = algo.startsWith("sde");
            int order = config.getInt("solver_order", 2);
            boolean single = cls.equals("DPMSolverSinglestepScheduler");
            return "DPM++ " + order + (single ? "S" : "M") + (sde ? " SDE" : "");
        }
        return SCHEDULER_CLASSES.getOrDefault(cls, cls);
    }

    /** The A1111 schedule type a diffusers configuration implies, or null when it has none of its own. */
    static String scheduleOf(Config config) {
        if (config.getBoolean("use_karras_sigmas", false)) return "Karras";
        if (config.getBoolean("use_exponential_sigmas", false)) return "Exponential";
        if (config.getBoolean("use_beta_sigmas", false)) return "Beta";
        return null;
    }
}
