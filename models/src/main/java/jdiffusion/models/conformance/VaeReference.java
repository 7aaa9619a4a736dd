package jdiffusion.models.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.image.ImageCodec.LatentDistribution;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Trace;
import jdiffusion.models.vae.AutoencoderKL;

/** The VAE reference calls: encode (mean, logvar, std and activations) and decode (image and activations). */
final class VaeReference {

    private VaeReference() {
    }

    static List<ConformanceCase> cases(Memo<AutoencoderKL> vae, Supplier<Backend> backend, Memo<ReferenceIo> io, String idPrefix) {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(new ComparisonCase(idPrefix + "encode", () -> encode(vae.get(), backend.get(), io.get())));
        cases.add(new ComparisonCase(idPrefix + "decode", () -> decode(vae.get(), backend.get(), io.get())));
        return cases;
    }

    static List<Comparison> encode(AutoencoderKL vae, Backend be, ReferenceIo io) {
        Trace trace = Trace.recording();
        LatentDistribution d = vae.encode(be.fromHost(io.get("encode.in.image")), trace);
        List<Comparison> out = new ArrayList<>();
        double a = ModelConformanceSuite.ATOL, r = ModelConformanceSuite.RTOL;
        out.add(Comparison.of("encode.out.mean", be.toHost(d.mean()), io.get("encode.out.mean"), a, r));
        out.add(Comparison.of("encode.out.logvar", be.toHost(d.logvar()), io.get("encode.out.logvar"), a, r));
        if (io.has("encode.out.std")) out.add(Comparison.of("encode.out.std", be.toHost(vae.std(d)), io.get("encode.out.std"), a, r));
        activations(trace.activations(), be, io, "encode.act.", out);
        return out;
    }

    static List<Comparison> decode(AutoencoderKL vae, Backend be, ReferenceIo io) {
        Trace trace = Trace.recording();
        Tensor img = vae.decode(be.fromHost(io.get("decode.in.latent")), trace);
        List<Comparison> out = new ArrayList<>();
        out.add(Comparison.of("decode.out.image", be.toHost(img), io.get("decode.out.image"), ModelConformanceSuite.ATOL, ModelConformanceSuite.RTOL));
        activations(trace.activations(), be, io, "decode.act.", out);
        return out;
    }

    /** The fp16-weights decode against its own reference (fp16 rounding of weights exceeds float32 tolerance). */
    static List<Comparison> decodeFp16(Memo<AutoencoderKL> vae, Backend be, ReferenceIo io) throws Exception {
        Tensor img = vae.get().decode(be.fromHost(io.get("decode.in.latent")));
        return List.of(Comparison.of("decode.out.image_from_fp16_weights", be.toHost(img),
                io.get("decode.out.image_from_fp16_weights"), ModelConformanceSuite.ATOL, ModelConformanceSuite.RTOL));
    }

    private static void activations(Map<String, Tensor> traced, Backend be, ReferenceIo io, String prefix, List<Comparison> out) {
        for (String name : io.namesWithPrefix(prefix)) {
            String path = name.substring(prefix.length());
            Tensor got = traced.get(path);
            if (got == null) throw new IllegalStateException("activation " + path + " was not recorded");
            out.add(Comparison.of(name, be.toHost(got), io.get(name), ModelConformanceSuite.ATOL, ModelConformanceSuite.RTOL));
        }
    }
}
