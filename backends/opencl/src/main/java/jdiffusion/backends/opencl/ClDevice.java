package jdiffusion.backends.opencl;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One OpenCL device as the ICD loader reports it, numbered across all platforms in the order they are
 * listed (the {@code N} of {@code --backend opencl:N}).
 */
record ClDevice(int index, String platformName, String name, String vendor, String version, String driverVersion, String type,
                       int computeUnits, long globalMemBytes, long localMemBytes, long maxAllocBytes,
                       long maxWorkGroupSize, String extensions, MemorySegment platform, MemorySegment handle) {

    /** Whether the device advertises {@code extension} (e.g. {@code cl_khr_fp16}). */
    boolean hasExtension(String extension) {
        for (String e : extensions.split("\\s+")) {
            if (e.equals(extension)) return true;
        }
        return false;
    }

    /** One line for listings: index, device, platform, memory. */
    String describe() {
        return String.format(Locale.ROOT, "opencl:%d  %s (%s, %s, %d compute units, %.1f GiB) on %s",
                index, name, type, version, computeUnits, globalMemBytes / (1024.0 * 1024 * 1024), platformName);
    }

    /** Every device of every platform; empty when there is no platform. Throws when the library is missing. */
    static List<ClDevice> all(OpenCl cl) {
        List<ClDevice> out = new ArrayList<>();
        for (MemorySegment p : cl.platforms()) {
            String platformName = cl.platformString(p, OpenCl.CL_PLATFORM_NAME);
            for (MemorySegment d : cl.devices(p)) {
                long type = cl.deviceNumber(d, OpenCl.CL_DEVICE_TYPE, 8);
                out.add(new ClDevice(out.size(), platformName,
                        cl.deviceString(d, OpenCl.CL_DEVICE_NAME),
                        cl.deviceString(d, OpenCl.CL_DEVICE_VENDOR),
                        cl.deviceString(d, OpenCl.CL_DEVICE_VERSION),
                        cl.deviceString(d, OpenCl.CL_DRIVER_VERSION),
                        typeName(type),
                        (int) cl.deviceNumber(d, OpenCl.CL_DEVICE_MAX_COMPUTE_UNITS, 4),
                        cl.deviceNumber(d, OpenCl.CL_DEVICE_GLOBAL_MEM_SIZE, 8),
                        cl.deviceNumber(d, OpenCl.CL_DEVICE_LOCAL_MEM_SIZE, 8),
                        cl.deviceNumber(d, OpenCl.CL_DEVICE_MAX_MEM_ALLOC_SIZE, 8),
                        cl.deviceNumber(d, OpenCl.CL_DEVICE_MAX_WORK_GROUP_SIZE, 8),
                        cl.deviceString(d, OpenCl.CL_DEVICE_EXTENSIONS), p, d));
            }
        }
        return out;
    }

    private static String typeName(long type) {
        if ((type & OpenCl.CL_DEVICE_TYPE_GPU) != 0) return "GPU";
        if ((type & OpenCl.CL_DEVICE_TYPE_CPU) != 0) return "CPU";
        if ((type & OpenCl.CL_DEVICE_TYPE_ACCELERATOR) != 0) return "accelerator";
        return "other";
    }

    /**
     * The device {@code options} names: empty picks the first GPU (or the first device when there is no GPU),
     * a number picks by index, anything else is matched case-insensitively against "platform device" names.
     * The error lists the devices there are.
     */
    static ClDevice select(List<ClDevice> devices, String options) {
        if (devices.isEmpty()) throw new IllegalStateException("no OpenCL device found");
        String o = options == null ? "" : options.trim();
        if (o.isEmpty()) {
            return devices.stream().filter(d -> d.type().equals("GPU")).findFirst().orElse(devices.getFirst());
        }
        if (o.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(o);
            if (i < devices.size()) return devices.get(i);
            throw new IllegalArgumentException("there is no OpenCL device " + i + "; the devices are:\n" + list(devices));
        }
        String needle = o.toLowerCase(Locale.ROOT);
        for (ClDevice d : devices) {
            if ((d.platformName() + " " + d.name() + " " + d.vendor()).toLowerCase(Locale.ROOT).contains(needle)) return d;
        }
        throw new IllegalArgumentException("no OpenCL device matches \"" + o + "\"; the devices are:\n" + list(devices));
    }

    static String list(List<ClDevice> devices) {
        StringBuilder sb = new StringBuilder();
        for (ClDevice d : devices) sb.append("  ").append(d.describe()).append('\n');
        return sb.toString().stripTrailing();
    }
}
