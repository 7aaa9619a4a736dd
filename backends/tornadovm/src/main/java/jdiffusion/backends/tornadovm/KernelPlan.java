package jdiffusion.backends.tornadovm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.WorkerGrid3D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * One kernel's task graph over workspace arrays: compiled by TornadoVM on first use and re-run for every
 * call whose data fits the workspaces (the kernels read live sizes from a parameter array), rebuilt with
 * larger workspaces when a call does not fit. TornadoVM binds a task graph to the array objects it was
 * built with, so reusing them is what keeps one compilation per kernel instead of one per call.
 */
final class KernelPlan implements AutoCloseable {

    /** How a workspace slot travels: float or int data in, float result out, or float in and out. */
    enum Slot { FLOAT_IN, INT_IN, FLOAT_OUT, FLOAT_IN_OUT }

    /** Adds the kernel's one task, named {@code task}, over the workspace arrays to {@code graph}. */
    interface Task {
        TaskGraph add(TaskGraph graph, String task, KernelContext context, Object[] arrays);
    }

    private static final AtomicInteger GRAPHS = new AtomicInteger();
    private static final int MIN_CAPACITY = 1 << 14;

    private final String name;
    private final TornadoDevice device;
    private final Slot[] slots;
    private final Task task;
    private final int gridDimensions;
    private Object[] arrays;
    private int[] capacity;
    private TornadoExecutionPlan plan;
    private WorkerGrid worker;

    /** {@code gridDimensions} 0 for {@code @Parallel} kernels (TornadoVM derives the grid), else 1-3 for KernelContext ones. */
    KernelPlan(String name, TornadoDevice device, int gridDimensions, Task task, Slot... slots) {
        this.name = name;
        this.device = device;
        this.slots = slots;
        this.task = task;
        this.gridDimensions = gridDimensions;
    }

    /** Makes sure slot i holds at least {@code sizes[i]} elements, rebuilding (and recompiling) when one does not. */
    void ensure(int... sizes) {
        if (sizes.length != slots.length) throw new IllegalArgumentException(name + ": " + sizes.length + " sizes for " + slots.length + " slots");
        boolean fits = arrays != null;
        for (int i = 0; fits && i < sizes.length; i++) fits = sizes[i] <= capacity[i];
        if (fits) return;
        int[] next = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            int old = capacity == null ? 0 : capacity[i];
            next[i] = sizes[i] <= old ? old : Math.max(Math.max(MIN_CAPACITY, sizes[i]), (int) Math.min(Integer.MAX_VALUE - 8, 2L * old));
        }
        close();
        build(next);
    }

    private void build(int[] sizes) {
        Object[] a = new Object[slots.length];
        List<Object> in = new ArrayList<>();
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            a[i] = slots[i] == Slot.INT_IN ? new IntArray(sizes[i]) : new FloatArray(sizes[i]);
            if (slots[i] != Slot.FLOAT_OUT) in.add(a[i]);
            if (slots[i] == Slot.FLOAT_OUT || slots[i] == Slot.FLOAT_IN_OUT) out.add(a[i]);
        }
        String graphName = "jd" + name + GRAPHS.incrementAndGet();
        KernelContext context = new KernelContext();
        TaskGraph graph = new TaskGraph(graphName).transferToDevice(DataTransferMode.EVERY_EXECUTION, in.toArray());
        graph = task.add(graph, "t", context, a);
        graph = graph.transferToHost(DataTransferMode.EVERY_EXECUTION, out.toArray());
        TornadoExecutionPlan p = new TornadoExecutionPlan(graph.snapshot());
        p.withDevice(device);
        WorkerGrid w = switch (gridDimensions) {
            case 0 -> null;
            case 1 -> new WorkerGrid1D(1);
            case 2 -> new WorkerGrid2D(1, 1);
            default -> new WorkerGrid3D(1, 1, 1);
        };
        if (w != null) p.withGridScheduler(new GridScheduler(graphName + ".t", w));
        arrays = a;
        capacity = sizes;
        plan = p;
        worker = w;
    }

    FloatArray floats(int slot) {
        return (FloatArray) arrays[slot];
    }

    IntArray ints(int slot) {
        return (IntArray) arrays[slot];
    }

    /**
     * Runs the kernel (transfers in, kernel, transfers out) over {@code global} work-items in groups of
     * {@code local} (null: TornadoVM chooses); both ignored for {@code @Parallel} kernels.
     */
    void execute(long[] global, long[] local) {
        if (worker != null) {
            worker.setGlobalWork(global[0], global.length > 1 ? global[1] : 1, global.length > 2 ? global[2] : 1);
            if (local == null) {
                worker.setLocalWorkToNull();
            } else {
                worker.setLocalWork(local[0], local.length > 1 ? local[1] : 1, local.length > 2 ? local[2] : 1);
            }
        }
        try {
            plan.execute();
        } catch (RuntimeException | Error e) {
            throw new IllegalStateException("TornadoVM could not run kernel " + name + " on " + device.getDeviceName()
                    + " (" + device.getPlatformName() + "; jdiffusion disables TornadoVM's fallback to the JVM): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (plan != null) {
            try {
                plan.freeDeviceMemory();
                plan.close();
            } catch (Exception e) {
                // Freeing device memory of a plan being replaced; nothing useful to report.
            }
            plan = null;
            arrays = null;
            capacity = null;
            worker = null;
        }
    }
}
