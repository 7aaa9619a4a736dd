/** Fine-tuning adapters: LoRA, LoCon, LoHa, LoKr, DoRA, full weight differences, textual inversion. */
module jdiffusion.adapters.lora {
    requires transitive jdiffusion.core;
    requires jdiffusion.models;

    exports jdiffusion.adapters.lora;

    uses jdiffusion.core.backend.BackendProvider;

    provides jdiffusion.core.conformance.ConformanceSuite with jdiffusion.adapters.lora.conformance.AdapterConformanceSuite;
    provides jdiffusion.core.adapter.AdapterFormat with
            jdiffusion.adapters.lora.LoraFormat.Kohya,
            jdiffusion.adapters.lora.LoraFormat.Diffusers,
            jdiffusion.adapters.lora.LoraFormat.Peft,
            jdiffusion.adapters.lora.TextualInversionFormat;
}
