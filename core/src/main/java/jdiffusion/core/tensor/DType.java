package jdiffusion.core.tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Element types a {@link Tensor} can hold. Computation is float32; float16 and bfloat16 are storage types
 * for weights (converted on the fly inside kernels); the integer and float64 types appear in weight and
 * reference files.
 */
public enum DType {
    FLOAT32(4, "F32"),
    FLOAT16(2, "F16"),
    BFLOAT16(2, "BF16"),
    FLOAT64(8, "F64"),
    INT64(8, "I64"),
    INT32(4, "I32"),
    INT16(2, "I16"),
    INT8(1, "I8"),
    UINT8(1, "U8"),
    BOOL(1, "BOOL");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype string used in safetensors headers ({@code F32}, {@code F16}, {@code BF16}, ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** True for the three floating types models compute with or store weights in. */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16 || this == FLOAT64;
    }

    /** The dtype for a safetensors dtype string; the error lists the ones understood. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) return d;
        }
        throw new IllegalArgumentException("unknown safetensors dtype \"" + name + "\"; expected one of "
                + Arrays.stream(values()).map(DType::safetensorsName).collect(Collectors.joining(", ")));
    }
}
