package jdiffusion.backends.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The part of the OpenCL 1.2 C API the backend uses, called through the Foreign Function and Memory API
 * on the ICD loader {@code libOpenCL.so.1} (found by the dynamic linker's usual search: {@code LD_LIBRARY_PATH},
 * {@code ld.so.cache}; the system property {@code jdiffusion.opencl.library} names another file).
 *
 * <p>Handles ({@code cl_platform_id}, {@code cl_mem}, ...) are {@link MemorySegment} addresses. Every
 * call checks its status and throws {@link OpenClException} naming the call and the error. OpenCL calls
 * are thread-safe except {@code clSetKernelArg}, which callers serialise per kernel.
 */
final class OpenCl {

    static final int CL_SUCCESS = 0;
    static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;
    static final int CL_DEVICE_NOT_FOUND = -1;

    static final int CL_PLATFORM_VERSION = 0x0901;
    static final int CL_PLATFORM_NAME = 0x0902;
    static final int CL_PLATFORM_VENDOR = 0x0903;

    static final long CL_DEVICE_TYPE_CPU = 1 << 1;
    static final long CL_DEVICE_TYPE_GPU = 1 << 2;
    static final long CL_DEVICE_TYPE_ACCELERATOR = 1 << 3;
    static final long CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;

    static final int CL_DEVICE_TYPE = 0x1000;
    static final int CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    static final int CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    static final int CL_DEVICE_MAX_CLOCK_FREQUENCY = 0x100C;
    static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    static final int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    static final int CL_DEVICE_LOCAL_MEM_SIZE = 0x1023;
    static final int CL_DEVICE_NAME = 0x102B;
    static final int CL_DEVICE_VENDOR = 0x102C;
    static final int CL_DRIVER_VERSION = 0x102D;
    static final int CL_DEVICE_VERSION = 0x102F;
    static final int CL_DEVICE_EXTENSIONS = 0x1030;

    static final long CL_MEM_READ_WRITE = 1;

    static final int CL_PROGRAM_BUILD_LOG = 0x1183;
    static final int CL_KERNEL_WORK_GROUP_SIZE = 0x11B0;

    private static final Object LOCK = new Object();
    private static OpenCl instance;
    private static String loadFailure;

    private final MethodHandle getPlatformIDs;
    private final MethodHandle getPlatformInfo;
    private final MethodHandle getDeviceIDs;
    private final MethodHandle getDeviceInfo;
    private final MethodHandle createContext;
    private final MethodHandle createCommandQueue;
    private final MethodHandle createBuffer;
    private final MethodHandle enqueueWriteBuffer;
    private final MethodHandle enqueueReadBuffer;
    private final MethodHandle enqueueFillBuffer;
    private final MethodHandle enqueueCopyBuffer;
    private final MethodHandle createProgramWithSource;
    private final MethodHandle buildProgram;
    private final MethodHandle getProgramBuildInfo;
    private final MethodHandle createKernel;
    private final MethodHandle setKernelArg;
    private final MethodHandle getKernelWorkGroupInfo;
    private final MethodHandle enqueueNDRangeKernel;
    private final MethodHandle finish;
    private final MethodHandle releaseMemObject;
    private final MethodHandle releaseKernel;
    private final MethodHandle releaseProgram;
    private final MethodHandle releaseCommandQueue;
    private final MethodHandle releaseContext;

    private OpenCl(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        getPlatformIDs = bind(linker, lib, "clGetPlatformIDs", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        getPlatformInfo = bind(linker, lib, "clGetPlatformInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        getDeviceIDs = bind(linker, lib, "clGetDeviceIDs", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        getDeviceInfo = bind(linker, lib, "clGetDeviceInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        createContext = bind(linker, lib, "clCreateContext", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        createCommandQueue = bind(linker, lib, "clCreateCommandQueue", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        createBuffer = bind(linker, lib, "clCreateBuffer", ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
        enqueueWriteBuffer = bind(linker, lib, "clEnqueueWriteBuffer", JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        enqueueReadBuffer = bind(linker, lib, "clEnqueueReadBuffer", JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        enqueueFillBuffer = bind(linker, lib, "clEnqueueFillBuffer", JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        enqueueCopyBuffer = bind(linker, lib, "clEnqueueCopyBuffer", JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        createProgramWithSource = bind(linker, lib, "clCreateProgramWithSource", ADDRESS,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        buildProgram = bind(linker, lib, "clBuildProgram", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        getProgramBuildInfo = bind(linker, lib, "clGetProgramBuildInfo", JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        createKernel = bind(linker, lib, "clCreateKernel", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        setKernelArg = bind(linker, lib, "clSetKernelArg", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
        getKernelWorkGroupInfo = bind(linker, lib, "clGetKernelWorkGroupInfo", JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        enqueueNDRangeKernel = bind(linker, lib, "clEnqueueNDRangeKernel", JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        finish = bind(linker, lib, "clFinish", JAVA_INT, ADDRESS);
        releaseMemObject = bind(linker, lib, "clReleaseMemObject", JAVA_INT, ADDRESS);
        releaseKernel = bind(linker, lib, "clReleaseKernel", JAVA_INT, ADDRESS);
        releaseProgram = bind(linker, lib, "clReleaseProgram", JAVA_INT, ADDRESS);
        releaseCommandQueue = bind(linker, lib, "clReleaseCommandQueue", JAVA_INT, ADDRESS);
        releaseContext = bind(linker, lib, "clReleaseContext", JAVA_INT, ADDRESS);
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name,
                                     java.lang.foreign.MemoryLayout result, java.lang.foreign.MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException(
                "the OpenCL library has no function " + name + " (an OpenCL 1.2 ICD loader is needed)"));
        return linker.downcallHandle(symbol, FunctionDescriptor.of(result, args));
    }

    /** The library, loaded on first use; throws {@link IllegalStateException} with the reason when it cannot be. */
    static OpenCl get() {
        synchronized (LOCK) {
            if (instance != null) return instance;
            if (loadFailure != null) throw new IllegalStateException(loadFailure);
            List<String> tried = new ArrayList<>();
            for (String name : libraryNames()) {
                try {
                    instance = new OpenCl(SymbolLookup.libraryLookup(name, Arena.global()));
                    return instance;
                } catch (IllegalArgumentException e) {
                    tried.add(name);
                } catch (IllegalStateException e) {
                    loadFailure = name + ": " + e.getMessage();
                    throw new IllegalStateException(loadFailure);
                }
            }
            loadFailure = "no OpenCL library found (tried " + String.join(", ", tried)
                    + "); install an ICD loader and a driver (on Debian: apt-get install ocl-icd-libopencl1 pocl-opencl-icd,"
                    + " or the GPU vendor's OpenCL driver), or name the library with -Djdiffusion.opencl.library=FILE";
            throw new IllegalStateException(loadFailure);
        }
    }

    private static List<String> libraryNames() {
        String explicit = System.getProperty("jdiffusion.opencl.library");
        if (explicit != null && !explicit.isBlank()) return List.of(explicit);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) return List.of("OpenCL.dll");
        if (os.contains("mac")) return List.of("/System/Library/Frameworks/OpenCL.framework/OpenCL");
        return List.of("libOpenCL.so.1", "libOpenCL.so");
    }

    // ---- discovery ------------------------------------------------------------------------------

    /** The platforms; empty when the ICD loader finds none. */
    List<MemorySegment> platforms() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            int rc = (int) getPlatformIDs.invokeExact(0, MemorySegment.NULL, count);
            if (rc == CL_PLATFORM_NOT_FOUND_KHR) return List.of();
            check(rc, "clGetPlatformIDs", null);
            int n = count.get(JAVA_INT, 0);
            if (n == 0) return List.of();
            MemorySegment ids = a.allocate(ADDRESS, n);
            check((int) getPlatformIDs.invokeExact(n, ids, MemorySegment.NULL), "clGetPlatformIDs", null);
            List<MemorySegment> out = new ArrayList<>();
            for (int i = 0; i < n; i++) out.add(ids.getAtIndex(ADDRESS, i));
            return out;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String platformString(MemorySegment platform, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check((int) getPlatformInfo.invokeExact(platform, param, 0L, MemorySegment.NULL, size), "clGetPlatformInfo", null);
            MemorySegment value = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            check((int) getPlatformInfo.invokeExact(platform, param, value.byteSize(), value, MemorySegment.NULL),
                    "clGetPlatformInfo", null);
            return cString(value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The devices of a platform; empty when it has none. */
    List<MemorySegment> devices(MemorySegment platform) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            int rc = (int) getDeviceIDs.invokeExact(platform, CL_DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count);
            if (rc == CL_DEVICE_NOT_FOUND) return List.of();
            check(rc, "clGetDeviceIDs", null);
            int n = count.get(JAVA_INT, 0);
            MemorySegment ids = a.allocate(ADDRESS, Math.max(1, n));
            check((int) getDeviceIDs.invokeExact(platform, CL_DEVICE_TYPE_ALL, n, ids, MemorySegment.NULL),
                    "clGetDeviceIDs", null);
            List<MemorySegment> out = new ArrayList<>();
            for (int i = 0; i < n; i++) out.add(ids.getAtIndex(ADDRESS, i));
            return out;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String deviceString(MemorySegment device, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check((int) getDeviceInfo.invokeExact(device, param, 0L, MemorySegment.NULL, size), "clGetDeviceInfo", null);
            MemorySegment value = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            check((int) getDeviceInfo.invokeExact(device, param, value.byteSize(), value, MemorySegment.NULL),
                    "clGetDeviceInfo", null);
            return cString(value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A numeric device property of {@code bytes} bytes (4 for cl_uint, 8 for cl_ulong, size_t and bitfields). */
    long deviceNumber(MemorySegment device, int param, int bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment value = a.allocate(8);
            check((int) getDeviceInfo.invokeExact(device, param, (long) bytes, value, MemorySegment.NULL),
                    "clGetDeviceInfo", null);
            return bytes == 4 ? Integer.toUnsignedLong(value.get(JAVA_INT, 0)) : value.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- context, queue, memory -----------------------------------------------------------------

    MemorySegment createContext(MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment devices = a.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment ctx = (MemorySegment) createContext.invokeExact(MemorySegment.NULL, 1, devices,
                    MemorySegment.NULL, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateContext", null);
            return ctx;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createQueue(MemorySegment context, MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment q = (MemorySegment) createCommandQueue.invokeExact(context, device, 0L, err);
            check(err.get(JAVA_INT, 0), "clCreateCommandQueue", null);
            return q;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A read-write buffer; returns the error code instead of throwing when allocation fails, via {@code err}. */
    MemorySegment createBuffer(MemorySegment context, long bytes, int[] err) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(JAVA_INT);
            MemorySegment mem = (MemorySegment) createBuffer.invokeExact(context, CL_MEM_READ_WRITE, bytes,
                    MemorySegment.NULL, e);
            err[0] = e.get(JAVA_INT, 0);
            return mem;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking copy of {@code src} (native memory) into {@code buffer} at {@code offset}. */
    void write(MemorySegment queue, MemorySegment buffer, long offset, MemorySegment src) {
        try {
            check((int) enqueueWriteBuffer.invokeExact(queue, buffer, 1, offset, src.byteSize(), src, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueWriteBuffer", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking copy of {@code dst.byteSize()} bytes from {@code buffer} at {@code offset} into {@code dst} (native memory). */
    void read(MemorySegment queue, MemorySegment buffer, long offset, MemorySegment dst, String lastKernel) {
        try {
            check((int) enqueueReadBuffer.invokeExact(queue, buffer, 1, offset, dst.byteSize(), dst, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueReadBuffer", lastKernel);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Fills {@code bytes} bytes of {@code buffer} with zeros (asynchronously, in queue order). */
    void fillZero(MemorySegment queue, MemorySegment buffer, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pattern = a.allocate(4);
            long unit = bytes % 4 == 0 ? 4 : bytes % 2 == 0 ? 2 : 1;
            check((int) enqueueFillBuffer.invokeExact(queue, buffer, pattern, unit, 0L, bytes, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueFillBuffer", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void copy(MemorySegment queue, MemorySegment src, MemorySegment dst, long srcOffset, long dstOffset, long bytes) {
        try {
            check((int) enqueueCopyBuffer.invokeExact(queue, src, dst, srcOffset, dstOffset, bytes, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueCopyBuffer", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- programs and kernels -------------------------------------------------------------------

    /** Compiles {@code source} for {@code device}; a failed build throws with the compiler's log. */
    MemorySegment buildProgram(MemorySegment context, MemorySegment device, String source, String options, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment text = a.allocateFrom(source);
            MemorySegment strings = a.allocate(ADDRESS);
            strings.set(ADDRESS, 0, text);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment program = (MemorySegment) createProgramWithSource.invokeExact(context, 1, strings,
                    MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateProgramWithSource", null);
            MemorySegment devices = a.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            int rc = (int) buildProgram.invokeExact(program, 1, devices, a.allocateFrom(options),
                    MemorySegment.NULL, MemorySegment.NULL);
            if (rc != CL_SUCCESS) {
                String log = buildLog(program, device);
                releaseProgram(program);
                throw new OpenClException("clBuildProgram", rc, null, "building " + what + " with options \""
                        + options + "\"; build log:\n" + log);
            }
            return program;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private String buildLog(MemorySegment program, MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            int rc = (int) getProgramBuildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, 0L,
                    MemorySegment.NULL, size);
            if (rc != CL_SUCCESS) return "(no build log: " + OpenClException.errorName(rc) + ")";
            MemorySegment log = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            rc = (int) getProgramBuildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, log.byteSize(), log,
                    MemorySegment.NULL);
            return rc == CL_SUCCESS ? cString(log) : "(no build log: " + OpenClException.errorName(rc) + ")";
        } catch (Throwable t) {
            return "(no build log: " + t + ")";
        }
    }

    MemorySegment createKernel(MemorySegment program, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment k = (MemorySegment) createKernel.invokeExact(program, a.allocateFrom(name), err);
            check(err.get(JAVA_INT, 0), "clCreateKernel", name);
            return k;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets argument {@code index}: {@code size} bytes at {@code value}, or local memory of {@code size} bytes when value is NULL. */
    void setArg(MemorySegment kernel, int index, long size, MemorySegment value, String kernelName) {
        try {
            int rc = (int) setKernelArg.invokeExact(kernel, index, size, value);
            if (rc != CL_SUCCESS) throw new OpenClException("clSetKernelArg", rc, kernelName, "argument " + index);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long kernelWorkGroupSize(MemorySegment kernel, MemorySegment device, String kernelName) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment value = a.allocate(JAVA_LONG);
            check((int) getKernelWorkGroupInfo.invokeExact(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, 8L, value,
                    MemorySegment.NULL), "clGetKernelWorkGroupInfo", kernelName);
            return value.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Enqueues a kernel over {@code global} work-items in groups of {@code local} (null: the runtime chooses). */
    void enqueue(MemorySegment queue, MemorySegment kernel, long[] global, long[] local, String kernelName) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment g = a.allocateFrom(JAVA_LONG, global);
            MemorySegment l = local == null ? MemorySegment.NULL : a.allocateFrom(JAVA_LONG, local);
            int rc = (int) enqueueNDRangeKernel.invokeExact(queue, kernel, global.length, MemorySegment.NULL, g, l, 0,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (rc != CL_SUCCESS) {
                throw new OpenClException("clEnqueueNDRangeKernel", rc, kernelName, "global " + java.util.Arrays.toString(global)
                        + (local == null ? "" : ", local " + java.util.Arrays.toString(local)));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void finish(MemorySegment queue, String lastKernel) {
        try {
            check((int) finish.invokeExact(queue), "clFinish", lastKernel);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- release --------------------------------------------------------------------------------

    int releaseMemObject(MemorySegment mem) {
        try {
            return (int) releaseMemObject.invokeExact(mem);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void releaseKernel(MemorySegment kernel) {
        try {
            int rc = (int) releaseKernel.invokeExact(kernel);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void releaseProgram(MemorySegment program) {
        try {
            int rc = (int) releaseProgram.invokeExact(program);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void releaseQueue(MemorySegment queue) {
        try {
            int rc = (int) releaseCommandQueue.invokeExact(queue);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void releaseContext(MemorySegment context) {
        try {
            int rc = (int) releaseContext.invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    static void check(int rc, String call, String kernel) {
        if (rc != CL_SUCCESS) throw new OpenClException(call, rc, kernel, null);
    }

    private static String cString(MemorySegment s) {
        byte[] bytes = s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) n++;
        return new String(bytes, 0, n, StandardCharsets.UTF_8).trim();
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
