package jdiffusion.backends.opencl;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * A {@code cl_mem} holding a device tensor's elements: the {@link jdiffusion.core.tensor.Tensor#deviceBuffer()}
 * of the OpenCL backend's tensors. Released when no tensor refers to it any more (a {@link Cleaner}), when
 * the operation that made it as a temporary ends, or when its backend closes, whichever comes first.
 */
final class ClBuffer {

    private static final Cleaner CLEANER = Cleaner.create();

    private final DeviceMemory memory;
    private final DeviceMemory.Allocation allocation;
    private final Cleaner.Cleanable cleanable;

    ClBuffer(DeviceMemory memory, DeviceMemory.Allocation allocation) {
        this.memory = memory;
        this.allocation = allocation;
        this.cleanable = CLEANER.register(this, allocation);
    }

    /** The {@code cl_mem} handle; fails once released. */
    MemorySegment mem() {
        if (allocation.isReleased()) {
            throw new IllegalStateException("device tensor used after its OpenCL backend was closed");
        }
        return allocation.mem();
    }

    long byteSize() {
        return allocation.bytes();
    }

    /** The memory pool (one per backend) this buffer belongs to. */
    DeviceMemory memory() {
        return memory;
    }

    /** Releases the device memory now (for temporaries); later uses fail. */
    void free() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "cl_mem(" + allocation.bytes() + " bytes)";
    }
}
