package jdiffusion.adapters.lora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.Naming;
import jdiffusion.adapters.lora.internal.Part;
import jdiffusion.core.adapter.Adapter;
import jdiffusion.core.adapter.AdapterFormat;

/**
 * The LoRA family in one key naming: LoRA, LoCon (Tucker {@code lora_mid} included), LoHa, LoKr, DoRA
 * magnitudes and full weight differences. The three namings are three formats; a file is read the same
 * way whichever recognised it, since real files mix namings (kohya files with diffusers-mangled keys).
 */
public abstract class LoraFormat implements AdapterFormat {

    private final Naming naming;

    LoraFormat(Naming naming) {
        this.naming = naming;
    }

    @Override
    public boolean recognizes(Set<String> tensorNames, Map<String, String> metadata) {
        for (String name : tensorNames) {
            Part.Key k = Part.parse(name);
            if (k != null && Naming.split(k.module()).naming() == naming) return true;
        }
        return false;
    }

    @Override
    public Adapter read(Path file) throws IOException {
        return LoraAdapter.read(file, name());
    }

    /** kohya / A1111 / LyCORIS keys: {@code lora_unet_...}, {@code lora_te_...}, {@code lora_te1_/lora_te2_...}. */
    public static final class Kohya extends LoraFormat {
        public Kohya() {
            super(Naming.KOHYA);
        }

        @Override
        public String name() {
            return "kohya";
        }

        @Override
        public java.util.List<String> aliases() {
            return java.util.List.of("lycoris", "a1111");
        }

        @Override
        public String description() {
            return "LoRA, LoCon, LoHa, LoKr, DoRA and full diffs in kohya/A1111/LyCORIS keys (lora_unet_..., lora_te_...)";
        }
    }

    /** diffusers keys: {@code unet.<module>.lora_A.weight}, alpha in the {@code lora_adapter_metadata} header entry. */
    public static final class Diffusers extends LoraFormat {
        public Diffusers() {
            super(Naming.DIFFUSERS);
        }

        @Override
        public String name() {
            return "diffusers";
        }

        @Override
        public String description() {
            return "diffusers/PEFT LoRA and DoRA (unet.<module>.lora_A.weight; alpha from lora_adapter_metadata)";
        }
    }

    /** PEFT's own state dict ({@code adapter_model.safetensors}) with {@code adapter_config.json} beside it. */
    public static final class Peft extends LoraFormat {
        public Peft() {
            super(Naming.PEFT);
        }

        @Override
        public String name() {
            return "peft";
        }

        @Override
        public String description() {
            return "PEFT adapter_model.safetensors (LoRA, LoHa, LoKr; scale from adapter_config.json beside it)";
        }
    }
}
