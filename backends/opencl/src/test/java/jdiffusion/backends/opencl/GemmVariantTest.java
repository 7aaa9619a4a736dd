package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The variants' shapes: each fits every kind of product at both vector widths, and the GPU check times them all. */
class GemmVariantTest {

    @Test
    void everyVariantRunsEveryKindOfProductAtEitherVectorWidth() {
        for (GemmVariant v : GemmVariant.ALL) {
            for (GemmVariant.Kind kind : GemmVariant.Kind.values()) {
                for (int va : new int[]{1, 4}) {
                    for (int vb : kind == GemmVariant.Kind.CONV ? new int[]{1} : new int[]{1, 4}) {
                        assertTrue(v.fits(kind, va, vb), v + " " + kind + " " + va + "/" + vb);
                    }
                }
            }
            assertTrue(v.threads() <= 256 && v.localBytes() <= 48 * 1024, v + " within what every OpenCL GPU gives a work-group");
        }
        assertEquals(GemmVariant.ALL.size(), new HashSet<>(GemmVariant.ALL.stream().map(GemmVariant::name).toList()).size());
    }

    @Test
    void anUnknownVariantIsAnsweredWithTheVariantNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmVariant.named("t7x7"));
        assertTrue(e.getMessage().contains("t7x7") && e.getMessage().contains("t128x128_k8_8x8"), e.getMessage());
        assertEquals("t64x64_k16_4x4", GemmVariant.named("T64X64_K16_4X4").name());
    }

    @Test
    void theGpuCheckScriptForcesEveryVariant() throws IOException {
        String script = Files.readString(Path.of("bench", "gpu-check.sh"));
        Matcher m = Pattern.compile("(?m)^VARIANTS=\"([^\"]*)\"").matcher(script);
        assertTrue(m.find(), "bench/gpu-check.sh sets VARIANTS");
        assertEquals(GemmVariant.ALL.stream().map(GemmVariant::name).toList(), List.of(m.group(1).trim().split("\\s+")),
                "bench/gpu-check.sh VARIANTS " + Arrays.toString(m.group(1).split(" ")));
    }
}
