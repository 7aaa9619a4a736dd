/** Fine-tuning adapters: LoRA, LoCon, LoHa, LoKr, DoRA, textual inversion. */
module jdiffusion.adapters.lora {
    requires transitive jdiffusion.core;
    requires jdiffusion.models;
}
