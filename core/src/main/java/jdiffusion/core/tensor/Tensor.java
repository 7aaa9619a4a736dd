package jdiffusion.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array: a shape, a {@link DType} and the memory holding the elements in contiguous
 * row-major (C) order, little-endian.
 *
 * <p>Host tensors are backed by a {@link MemorySegment}: heap arrays for activations, memory-mapped file
 * regions for weights (never copied). A backend that keeps data on a device (OpenCL) returns tensors
 * whose memory is a backend-owned {@linkplain #deviceBuffer() device buffer} instead; those reach the host
 * only through {@link jdiffusion.core.backend.Backend#toHost(Tensor)}.
 *
 * <p>Tensors are immutable descriptors over memory that is always contiguous: {@link #reshape},
 * {@link #slice} and {@link #select} are views sharing that memory (no copy); re-layouts that are not
 * contiguous (a transpose, a slice along an inner dimension) are backend operations
 * ({@link jdiffusion.core.backend.Backend#permute}, {@link jdiffusion.core.backend.Backend#narrow}) that
 * return new tensors. Elementwise operations broadcast as NumPy does ({@link #broadcastShape}).
 */
public final class Tensor {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final DType dtype;
    private final int[] shape;
    private final MemorySegment segment;   // host memory, or null for device tensors
    private final Object deviceBuffer;     // backend-owned handle, or null for host tensors

    private Tensor(DType dtype, int[] shape, MemorySegment segment, Object deviceBuffer) {
        this.dtype = Objects.requireNonNull(dtype);
        this.shape = shape.clone();
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        this.segment = segment;
        this.deviceBuffer = deviceBuffer;
        if (segment != null && segment.byteSize() != numel() * dtype.byteSize()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + numel() * dtype.byteSize() + " bytes, memory has " + segment.byteSize());
        }
    }

    /** A host tensor over existing memory (no copy); the segment must hold exactly the elements. */
    public static Tensor of(DType dtype, int[] shape, MemorySegment segment) {
        return new Tensor(dtype, shape, Objects.requireNonNull(segment), null);
    }

    /** A tensor whose elements live in a backend's device memory. */
    public static Tensor onDevice(DType dtype, int[] shape, Object deviceBuffer) {
        return new Tensor(dtype, shape, null, Objects.requireNonNull(deviceBuffer));
    }

    /** A float32 host tensor over a Java array (no copy). */
    public static Tensor wrap(float[] values, int... shape) {
        return new Tensor(DType.FLOAT32, shape, MemorySegment.ofArray(values), null);
    }

    /**
     * A host tensor of {@code dtype} (float32, float16 or bfloat16) holding {@code values} rounded to that
     * type (to nearest, ties to even), in new heap memory.
     */
    public static Tensor ofFloats(DType dtype, float[] values, int... shape) {
        if (count(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count(shape)
                    + " values, got " + values.length);
        }
        return switch (dtype) {
            case FLOAT32 -> wrap(values.clone(), shape);
            case FLOAT16, BFLOAT16 -> {
                MemorySegment m = MemorySegment.ofArray(new short[values.length]);
                for (int i = 0; i < values.length; i++) {
                    m.setAtIndex(I16, i, dtype == DType.FLOAT16
                            ? Float.floatToFloat16(values[i]) : BFloat16.fromFloat(values[i]));
                }
                yield of(dtype, shape, m);
            }
            default -> throw new IllegalArgumentException("ofFloats makes float32, float16 or bfloat16 tensors, not " + dtype);
        };
    }

    /** A zero-filled float32 host tensor on the Java heap. */
    public static Tensor zeros(int... shape) {
        return wrap(new float[Math.toIntExact(count(shape))], shape);
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of elements. */
    public long numel() {
        return count(shape);
    }

    /** Bytes the elements occupy. */
    public long byteSize() {
        return numel() * dtype.byteSize();
    }

    /** Whether the elements are in host memory (a {@link MemorySegment}). */
    public boolean isHost() {
        return segment != null;
    }

    /** The host memory; fails for a device tensor. */
    public MemorySegment segment() {
        if (segment == null) {
            throw new IllegalStateException("tensor " + this + " lives in device memory; call Backend.toHost first");
        }
        return segment;
    }

    /** The backend's handle for a device tensor, or null for a host tensor. */
    public Object deviceBuffer() {
        return deviceBuffer;
    }

    /** The same memory seen with another shape of the same element count; one dimension may be -1. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one -1 allowed in " + Arrays.toString(newShape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
            }
            s[infer] = Math.toIntExact(numel() / known);
        }
        if (count(s) != numel()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(dtype, s, segment, deviceBuffer);
    }

    /** Rows {@code [from, to)} of the first dimension, sharing memory (host tensors only). */
    public Tensor slice(int from, int to) {
        if (rank() == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of shape " + Arrays.toString(shape));
        }
        long rowBytes = byteSize() / Math.max(1, shape[0]);
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(dtype, s, segment().asSlice(from * rowBytes, (long) (to - from) * rowBytes), null);
    }

    /** Row {@code i} of the first dimension, without that dimension, sharing memory (host tensors only). */
    public Tensor select(int i) {
        if (rank() == 0) throw new IndexOutOfBoundsException("select on a scalar tensor");
        int[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        return slice(i, i + 1).reshape(rest);
    }

    /** Element {@code i} in row-major order as a float (converting from the storage type). */
    public float getFloat(long i) {
        MemorySegment m = segment();
        return switch (dtype) {
            case FLOAT32 -> m.getAtIndex(F32, i);
            case FLOAT16 -> Float.float16ToFloat(m.getAtIndex(I16, i));
            case BFLOAT16 -> BFloat16.toFloat(m.getAtIndex(I16, i));
            case FLOAT64 -> (float) m.getAtIndex(F64, i);
            case INT64 -> m.getAtIndex(I64, i);
            case INT32 -> m.getAtIndex(I32, i);
            case INT16 -> m.getAtIndex(I16, i);
            case INT8 -> m.get(ValueLayout.JAVA_BYTE, i);
            case UINT8, BOOL -> m.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        };
    }

    /** Element {@code i} as a long (integer dtypes; floats are truncated). */
    public long getLong(long i) {
        return switch (dtype) {
            case INT64 -> segment().getAtIndex(I64, i);
            case INT32 -> segment().getAtIndex(I32, i);
            default -> (long) getFloat(i);
        };
    }

    /** All elements converted to a new float array (host tensors only). */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor too large for a Java array: " + n);
        float[] out = new float[(int) n];
        if (dtype == DType.FLOAT32) {
            MemorySegment.copy(segment(), F32, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) out[i] = getFloat(i);
        }
        return out;
    }

    /** A float32 host copy of this (host) tensor. */
    public Tensor toFloat32() {
        return wrap(toFloatArray(), shape);
    }

    /** Number of elements of a shape. */
    public static long count(int[] shape) {
        long n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /**
     * The shape two operands broadcast to, by NumPy's rule: shapes are aligned at their last dimension,
     * missing leading dimensions count as 1, and each pair of sizes must be equal or one of them 1.
     */
    public static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast: dimension " + i + " is " + da + " vs " + db + " (sizes must match or be 1)");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape) + (segment == null ? "@device" : "");
    }
}
