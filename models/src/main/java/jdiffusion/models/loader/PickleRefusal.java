package jdiffusion.models.loader;

import java.io.IOException;
import java.nio.file.Path;

/** The refusal of pickled PyTorch checkpoints, with the reason and the conversion to use instead. */
public final class PickleRefusal {

    private PickleRefusal() {
    }

    /** The message for {@code file}. */
    public static String message(Path file) {
        return file + " is a pickled PyTorch checkpoint (.ckpt/.bin/.pt/.pth). jdiffusion does not load pickles: "
                + "unpickling runs arbitrary code from the file, and its tensors cannot be memory-mapped. "
                + "Convert it to safetensors once, in Python: "
                + "`import torch, safetensors.torch; sd = torch.load(\"" + file.getFileName() + "\", map_location=\"cpu\", weights_only=True); "
                + "sd = sd.get(\"state_dict\", sd); safetensors.torch.save_file({k: v.contiguous() for k, v in sd.items() "
                + "if isinstance(v, torch.Tensor)}, \"model.safetensors\")` "
                + "(or diffusers' scripts/convert_original_stable_diffusion_to_diffusers.py --to_safetensors).";
    }

    /** Always throws, explaining why and how to convert. */
    public static void refuse(Path file) throws IOException {
        throw new IOException(message(file));
    }
}
